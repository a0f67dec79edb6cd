// The arguments editor shared by queues, exchanges, bindings, publish headers and policy definitions: rows
// of key, value and type. "auto" reads a number as a number and true/false as a boolean, as people type
// them; "json" takes any JSON value (a table, a list of numbers); anything else is sent as typed, and the
// broker says what it does not accept.
import { h } from './dom.js';

const TYPES = ['auto', 'string', 'number', 'boolean', 'list', 'json'];

export function argsEditor(name, shortcuts = []) {
  const rows = h('div', { class: 'rows' });
  const addRow = (key = '', type = 'auto', value = '') => {
    const row = h('div', { class: 'arg' },
      h('input', { type: 'text', placeholder: 'key', 'data-arg-key': '', value: key }),
      h('input', { type: 'text', placeholder: 'value', 'data-arg-value': '', value }),
      h('select', { 'data-arg-type': '' }, TYPES.map((t) => h('option', { value: t, selected: t === type }, t))),
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
      out[key] = typed(key, row.querySelector('[data-arg-value]').value, row.querySelector('[data-arg-type]').value);
    }
    return out;
  };

  /**
   * Replaces the rows with one per key of obj (an existing policy's definition, say), each with the type
   * that gives the same value back from values(): a key the shortcuts do not know is kept like any other.
   */
  el.setValues = (obj) => {
    rows.replaceChildren();
    for (const [key, value] of Object.entries(obj || {})) addRow(key, ...asText(value));
    if (!rows.children.length) addRow();
  };
  return el;
}

/** [type, text] for a value, so that typed() reads the text back as the same value. */
function asText(value) {
  if (typeof value === 'string') return ['string', value];
  if (typeof value === 'number') return ['number', String(value)];
  if (typeof value === 'boolean') return ['boolean', String(value)];
  // A list of plain words is shown as people type it; any other list, a table or null as JSON.
  if (Array.isArray(value) && value.length && value.every((v) => typeof v === 'string' && v.trim() === v && v && !v.includes(','))) {
    return ['list', value.join(', ')];
  }
  return ['json', JSON.stringify(value)];
}

function typed(key, text, type) {
  switch (type) {
    case 'string': return text;
    case 'number': return text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
    case 'boolean': return text.trim() === 'true' ? true : text.trim() === 'false' ? false : text;
    case 'list': return text.split(',').map((s) => s.trim()).filter((s) => s);
    case 'json':
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new Error(`The value of '${key}' is not JSON: ${text}`);
      }
    default:
      if (/^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text);
      if (text === 'true' || text === 'false') return text === 'true';
      return text;
  }
}
