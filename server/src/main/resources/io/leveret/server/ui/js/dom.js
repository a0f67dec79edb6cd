// Small helpers for building the page from the API's answers. Text always goes in as text nodes,
// never as HTML: names of queues, users and payloads come from other people.

/** Creates an element: attributes (on* are listeners; value/checked are properties) and children. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value' || k === 'checked') el[k] = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function num(n) {
  return n === undefined || n === null ? '' : Number(n).toLocaleString('en');
}

export function rate(details) {
  if (!details || details.rate === undefined) return '';
  return `${Number(details.rate).toFixed(1)}/s`;
}

export function bytes(n) {
  if (n === undefined || n === null) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = Number(n);
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export function duration(ms) {
  let s = Math.floor(Number(ms) / 1000);
  const d = Math.floor(s / 86400); s %= 86400;
  const hh = Math.floor(s / 3600); s %= 3600;
  const mm = Math.floor(s / 60); s %= 60;
  return d ? `${d}d ${hh}h ${mm}m` : hh ? `${hh}h ${mm}m ${s}s` : `${mm}m ${s}s`;
}

/** true/false as text; nothing when the API left the field out. */
export function flag(v) {
  return v === undefined || v === null ? undefined : String(v);
}

/** A definition list of label/value pairs; undefined values are left out. */
export function props(pairs) {
  return h('dl', { class: 'props' }, pairs.filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

/** A key: value list from an object (arguments, headers, policy definitions). */
export function kv(obj) {
  const entries = Object.entries(obj || {});
  if (!entries.length) return h('span', { class: 'muted' }, 'none');
  return entries.map(([k, v]) => h('div', null, h('code', null, k), ': ', typeof v === 'object' ? JSON.stringify(v) : String(v)));
}

/**
 * A form whose submit calls action(form); while it runs the button is disabled, and any error the
 * API returns is shown in the form's own error box, in the API's words. options.confirm asks first
 * (for what cannot be undone); options.class adds a CSS class.
 */
export function form(name, fields, submitLabel, action, options = {}) {
  const error = h('div', { class: 'error', role: 'alert', 'data-error': name });
  const notice = h('div', { class: 'notice', 'data-notice': name });
  const button = h('button', { type: 'submit', class: options.confirm ? 'danger' : null }, submitLabel);
  const el = h('form', { class: `panel ${options.class || ''}`, 'data-form': name }, fields, h('div', { class: 'row' }, button), error, notice);
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (options.confirm && !window.confirm(options.confirm)) return;
    error.textContent = '';
    notice.textContent = '';
    button.disabled = true;
    try {
      const message = await action(el);
      if (message) notice.textContent = message;
    } catch (e) {
      error.textContent = describe(e);
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

/** The plain words for an error: the API's reason, with its code when there is one. */
export function describe(e) {
  if (e && e.status) return e.error ? `${e.reason} (${e.error}, HTTP ${e.status})` : `${e.reason} (HTTP ${e.status})`;
  return String(e && e.message ? e.message : e);
}

/** A labelled input row. */
export function field(label, input) {
  return h('div', { class: 'row' }, h('label', null, label), input);
}

export function input(name, attrs = {}) {
  return h('input', { type: 'text', name, ...attrs });
}

export function select(name, options, value) {
  return h('select', { name }, options.map((o) => {
    const [v, label] = Array.isArray(o) ? o : [o, o];
    return h('option', { value: v, selected: v === value }, label);
  }));
}

export function checkbox(name, checked) {
  return h('input', { type: 'checkbox', name, checked });
}

/** A link to a hash route built from raw segments. */
export function link(text, ...segments) {
  return h('a', { href: `#/${segments.map(encodeURIComponent).join('/')}` }, text);
}
