// The arguments editor shared by queues, exchanges, bindings and publish headers: rows of key, value and
// type. "auto" reads a number as a number and true/false as a boolean, as people type them; anything
// else is sent as typed, and the broker says what it does not accept.
import { h } from './dom.js';

export function argsEditor(name, shortcuts = []) {
  const rows = h('div', { class: 'rows' });
  const addRow = (key = '', type = 'auto') => {
    const row = h('div', { class: 'arg' },
      h('input', { type: 'text', placeholder: 'key', 'data-arg-key': '', value: key }),
      h('input', { type: 'text', placeholder: 'value', 'data-arg-value': '' }),
      h('select', { 'data-arg-type': '' }, ['auto', 'string', 'number', 'boolean', 'list'].map((t) => h('option', { value: t, selected: t === type }, t))),
      h('button', { type: 'button', class: 'secondary', onclick: () => row.remove() }, '×'));
    rows.append(row);
    return row;
  };
  addRow();
  const el = h('div', { class: 'args', 'data-args': name }, rows,
    h('button', { type: 'button', class: 'secondary', onclick: () => addRow() }, 'Add row'),
    shortcuts.length ? h('div', { class: 'shortcuts muted' }, 'Add: ', shortcuts.map(([key, type]) =>
      h('button', { type: 'button', class: 'secondary', 'data-shortcut': key, onclick: () => fillOrAdd(key, type) }, key))) : null);

  function fillOrAdd(key, type) {
    const empty = [...rows.querySelectorAll('.arg')].find((r) => !r.querySelector('[data-arg-key]').value);
    const row = empty || addRow();
    row.querySelector('[data-arg-key]').value = key;
    row.querySelector('[data-arg-type]').value = type;
    row.querySelector('[data-arg-value]').focus();
  }

  el.values = () => {
    const out = {};
    for (const row of rows.querySelectorAll('.arg')) {
      const key = row.querySelector('[data-arg-key]').value.trim();
      if (!key) continue;
      out[key] = typed(row.querySelector('[data-arg-value]').value, row.querySelector('[data-arg-type]').value);
    }
    return out;
  };
  return el;
}

function typed(text, type) {
  switch (type) {
    case 'string': return text;
    case 'number': return text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
    case 'boolean': return text.trim() === 'true' ? true : text.trim() === 'false' ? false : text;
    case 'list': return text.split(',').map((s) => s.trim()).filter((s) => s);
    default:
      if (/^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text);
      if (text === 'true' || text === 'false') return text === 'true';
      return text;
  }
}
