// A list backed by the API's own paging (page, page_size, name, use_regex, sort, sort_reverse), so a
// broker with ten thousand queues sends one page at a time and sorts and filters on its side.
import { api } from './api.js';
import { h, fill, describe } from './dom.js';

/**
 * columns: [{ label, sort (the API's field path, optional), num (right-aligned), cell(row) }].
 * path(): the list's API path for the current vhost choice. Returns { el, refresh }.
 */
export function pagedTable(name, path, columns, options = {}) {
  const state = { page: 1, pageSize: 50, filter: '', regex: false, sort: options.sort || '', reverse: false };
  const body = h('tbody');
  const head = h('tr');
  const info = h('span', { class: 'muted', 'data-count': name });
  const error = h('div', { class: 'error', role: 'alert', 'data-error': name });
  const pager = h('span', { class: 'pager' });
  let typing = null;
  // Typing asks once it pauses, not once per key: ten thousand rows are filtered on the broker.
  const filterInput = h('input', { type: 'text', placeholder: 'Filter by name', 'data-filter': name, oninput: () => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.filter = filterInput.value; state.page = 1; refresh(); }, 250);
  } });
  const regex = h('input', { type: 'checkbox', onchange: () => { state.regex = regex.checked; state.page = 1; refresh(); } });
  const size = h('select', { onchange: () => { state.pageSize = Number(size.value); state.page = 1; refresh(); } },
    [20, 50, 100, 500].map((n) => h('option', { value: n, selected: n === state.pageSize }, n)));
  for (const c of columns) {
    const th = h('th', { class: [c.num ? 'num' : '', c.sort ? 'sortable' : ''].join(' ') }, c.label);
    if (c.sort) {
      th.addEventListener('click', () => {
        state.reverse = state.sort === c.sort ? !state.reverse : false;
        state.sort = c.sort;
        state.page = 1;
        refresh();
      });
    }
    c.th = th;
    head.append(th);
  }
  const el = h('div', { class: 'paged', 'data-table': name },
    h('div', { class: 'toolbar' }, filterInput, h('label', null, regex, ' Regex'), h('label', null, 'Page size ', size), pager, info),
    h('table', null, h('thead', null, head), body), error);

  let seq = 0;
  async function refresh() {
    const mine = ++seq;
    if (state.regex && !validRegex(state.filter)) {
      // A pattern still being typed ("^q[0") would only earn a 400; say so here instead.
      error.textContent = 'Not a complete regular expression yet.';
      return;
    }
    const q = new URLSearchParams({ page: state.page, page_size: state.pageSize, name: state.filter, use_regex: state.regex, pagination: true });
    if (state.sort) { q.set('sort', state.sort); q.set('sort_reverse', state.reverse); }
    let answer;
    try {
      answer = await api('GET', `${path()}?${q}`);
    } catch (e) {
      if (mine === seq) error.textContent = describe(e);
      return;
    }
    if (mine !== seq) return; // a newer request (typing in the filter) already answered
    error.textContent = '';
    for (const c of columns) {
      c.th.classList.toggle('sorted', Boolean(c.sort) && c.sort === state.sort);
      c.th.classList.toggle('reverse', Boolean(c.sort) && c.sort === state.sort && state.reverse);
    }
    fill(body, answer.items.length ? answer.items.map((row) => h('tr', null, columns.map((c) => h('td', { class: c.num ? 'num' : '' }, c.cell(row)))))
      : h('tr', null, h('td', { colspan: columns.length, class: 'muted' }, options.empty || 'Nothing here.')));
    fill(info, `${answer.filtered_count} of ${answer.total_count}`);
    const pages = Math.max(answer.page_count, 1);
    fill(pager,
      h('button', { type: 'button', class: 'secondary', disabled: state.page <= 1, onclick: () => { state.page--; refresh(); } }, '‹'),
      ` page ${answer.page} of ${pages} `,
      h('button', { type: 'button', class: 'secondary', disabled: state.page >= pages, onclick: () => { state.page++; refresh(); } }, '›'));
  }
  return { el, refresh };
}

function validRegex(pattern) {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
