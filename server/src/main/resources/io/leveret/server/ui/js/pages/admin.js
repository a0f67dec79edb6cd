// Admin pages: users (with their permissions), virtual hosts and policies. Only administrators see
// users and vhosts; policymakers see policies. The API checks every call again on its side.
import { api, get, getOrShow, seg } from '../api.js';
import { h, fill, props, num, link, form, field, input, select, checkbox, kv, describe } from '../dom.js';
import { argsEditor } from '../args.js';

const tagList = (tags) => (Array.isArray(tags) ? tags : String(tags || '').split(',').filter((t) => t));

function simpleTable(name, headers) {
  const body = h('tbody');
  const el = h('table', { 'data-table': name }, h('thead', null, h('tr', null, headers.map((t) => h('th', null, t)))), body);
  return { el, body };
}

function deleteButton(label, action, refresh, errorBox) {
  return h('button', { type: 'button', class: 'secondary', 'data-delete': label, onclick: async () => {
    if (!window.confirm(`Delete '${label}'?`)) return;
    errorBox.textContent = '';
    try {
      await action();
      await refresh();
    } catch (e) {
      errorBox.textContent = describe(e);
    }
  } }, 'Delete');
}

export function mountUsers(main) {
  const t = simpleTable('users', ['Name', 'Tags', 'Can access virtual hosts', 'Has password', '']);
  const error = h('div', { class: 'error', role: 'alert', 'data-error': 'users' });
  const name = input('username', { required: true, 'data-field': 'user-name' });
  const password = input('password', { type: 'password', 'data-field': 'user-password' });
  const tags = input('tags', { placeholder: 'administrator, monitoring, policymaker, management', 'data-field': 'user-tags', size: 40 });
  const quick = ['administrator', 'monitoring', 'policymaker', 'management', 'impersonator'].map((tag) =>
    h('button', { type: 'button', class: 'secondary', onclick: () => { tags.value = tags.value ? `${tags.value}, ${tag}` : tag; } }, tag));
  main.append(h('h1', null, 'Users'), t.el, error, h('h2', null, 'Add a user'),
    form('add-user', [field('Username', name), field('Password', password), field('Tags', h('span', null, tags, h('span', { class: 'shortcuts' }, quick)))], 'Add user', async () => {
      await api('PUT', `/users/${seg(name.value)}`, { password: password.value, tags: tags.value.split(',').map((s) => s.trim()).filter((s) => s).join(',') });
      await refresh();
      return `User '${name.value}' added. Set permissions on the user's page.`;
    }));

  async function refresh() {
    const [users, perms] = await Promise.all([get('/users'), get('/permissions')]);
    fill(t.body, users.map((u) => h('tr', null, h('td', null, link(u.name, 'users', u.name)),
      h('td', null, tagList(u.tags).map((x) => h('span', { class: 'tag' }, x))),
      h('td', null, perms.filter((p) => p.user === u.name).map((p) => p.vhost).join(', ') || h('span', { class: 'muted' }, 'none')),
      h('td', null, u.password_hash ? 'yes' : 'no'),
      h('td', null, deleteButton(u.name, () => api('DELETE', `/users/${seg(u.name)}`), refresh, error)))));
  }
  return { refresh };
}

export function mountUser(main, ctx, [user]) {
  const path = `/users/${seg(user)}`;
  const details = h('section', { class: 'panel' });
  const perms = simpleTable('permissions', ['Virtual host', 'Configure', 'Write', 'Read', '']);
  const topic = simpleTable('topic-permissions', ['Virtual host', 'Exchange', 'Write', 'Read', '']);
  const error = h('div', { class: 'error', role: 'alert', 'data-error': 'permissions' });
  const missing = h('div', { class: 'error', role: 'alert', 'data-error': 'user' });

  const vhost = select('vhost', ctx.vhosts, ctx.vhost || ctx.vhosts[0]);
  const configure = input('configure', { value: '.*' });
  const write = input('write', { value: '.*' });
  const read = input('read', { value: '.*' });
  const tvhost = select('vhost', ctx.vhosts, ctx.vhost || ctx.vhosts[0]);
  const exchange = input('exchange', { placeholder: 'amq.topic' });
  const twrite = input('write', { value: '.*' });
  const tread = input('read', { value: '.*' });
  const password = input('password', { type: 'password' });
  const tags = input('tags', { size: 40 });

  main.append(h('h1', null, 'User ', h('code', null, user)), missing, details,
    h('h2', null, 'Permissions'), perms.el, error,
    form('set-permission', [field('Virtual host', vhost), field('Configure regexp', configure), field('Write regexp', write), field('Read regexp', read)], 'Set permission', async () => {
      await api('PUT', `/permissions/${seg(vhost.value)}/${seg(user)}`, { configure: configure.value, write: write.value, read: read.value });
      await refresh();
      return 'Permission set.';
    }),
    h('h2', null, 'Topic permissions'), topic.el,
    form('set-topic-permission', [field('Virtual host', tvhost), field('Exchange', exchange), field('Write regexp', twrite), field('Read regexp', tread)], 'Set topic permission', async () => {
      await api('PUT', `/topic-permissions/${seg(tvhost.value)}/${seg(user)}`, { exchange: exchange.value, write: twrite.value, read: tread.value });
      await refresh();
      return 'Topic permission set.';
    }),
    h('h2', null, 'Update this user'),
    form('update-user', [field('New password', password), h('p', { class: 'muted' }, 'Leave the password empty to keep it.'), field('Tags', tags)], 'Update user', async () => {
      const body = { tags: tags.value.split(',').map((s) => s.trim()).filter((s) => s).join(',') };
      if (password.value) body.password = password.value;
      else body.password_hash = (await get(path)).password_hash;
      await api('PUT', path, body);
      await refresh();
      return 'User updated.';
    }),
    form('delete-user', [h('p', null, 'Delete this user and their permissions.')], 'Delete user', async () => {
      await api('DELETE', path);
      location.hash = '#/users';
      return null;
    }, { confirm: `Delete the user '${user}'?` }));

  let tagsFilled = false;
  async function refresh() {
    const u = await getOrShow(path, missing);
    if (!u) return;
    if (!tagsFilled) { tags.value = tagList(u.tags).join(', '); tagsFilled = true; }
    fill(details, props([['Tags', tagList(u.tags).join(', ') || 'none'], ['Hashing', u.hashing_algorithm]]));
    const [p, tp] = await Promise.all([get(`${path}/permissions`), get(`${path}/topic-permissions`)]);
    fill(perms.body, p.map((x) => h('tr', null, h('td', null, x.vhost), h('td', null, x.configure), h('td', null, x.write), h('td', null, x.read),
      h('td', null, deleteButton(x.vhost, () => api('DELETE', `/permissions/${seg(x.vhost)}/${seg(user)}`), refresh, error)))));
    fill(topic.body, tp.map((x) => h('tr', null, h('td', null, x.vhost), h('td', null, x.exchange), h('td', null, x.write), h('td', null, x.read),
      h('td', null, deleteButton(x.vhost, () => api('DELETE', `/topic-permissions/${seg(x.vhost)}/${seg(user)}`), refresh, error)))));
  }
  return { refresh };
}

export function mountVhosts(main, ctx) {
  const t = simpleTable('vhosts', ['Name', 'Description', 'Ready', 'Unacked', 'Max connections', 'Max queues', '']);
  const error = h('div', { class: 'error', role: 'alert', 'data-error': 'vhosts' });
  const name = input('name', { required: true, 'data-field': 'vhost-name' });
  const description = input('description', { size: 40 });
  const limitVhost = select('vhost', ctx.vhosts, ctx.vhost || ctx.vhosts[0]);
  const limitName = select('name', ['max-connections', 'max-queues'], 'max-connections');
  const limitValue = input('value', { type: 'number' });
  main.append(h('h1', null, 'Virtual hosts'), t.el, error,
    h('div', { class: 'grid' },
      form('add-vhost', [h('h2', null, 'Add a virtual host'), field('Name', name), field('Description', description)], 'Add virtual host', async () => {
        await api('PUT', `/vhosts/${seg(name.value)}`, { description: description.value });
        await ctx.reloadVhosts();
        await refresh();
        return `Virtual host '${name.value}' added. Give users permissions on their pages.`;
      }),
      form('set-limit', [h('h2', null, 'Set a limit'), field('Virtual host', limitVhost), field('Limit', limitName), field('Value', limitValue)], 'Set limit', async () => {
        await api('PUT', `/vhost-limits/${seg(limitVhost.value)}/${limitName.value}`, { value: Number(limitValue.value) });
        await refresh();
        return 'Limit set.';
      })));

  async function refresh() {
    const [vhosts, limits] = await Promise.all([get('/vhosts'), get('/vhost-limits')]);
    const limitOf = (v, k) => { const l = limits.find((x) => x.vhost === v); return l && l.value[k] !== undefined ? num(l.value[k]) : ''; };
    fill(t.body, vhosts.map((v) => h('tr', null, h('td', null, v.name), h('td', null, v.description || ''),
      h('td', null, num(v.messages_ready)), h('td', null, num(v.messages_unacknowledged)),
      h('td', null, limitOf(v.name, 'max-connections')), h('td', null, limitOf(v.name, 'max-queues')),
      h('td', null, deleteButton(v.name, async () => { await api('DELETE', `/vhosts/${seg(v.name)}`); await ctx.reloadVhosts(); }, refresh, error)))));
  }
  return { refresh };
}

export function mountPolicies(main, ctx) {
  const admin = ctx.tags.includes('administrator');
  const areas = [['policies', 'Policies']].concat(admin ? [['operator-policies', 'Operator policies']] : []);
  const refreshers = [];
  main.append(h('h1', null, 'Policies'));
  for (const [area, title] of areas) {
    const noun = title.toLowerCase().replace(/ies$/, 'y');
    const t = simpleTable(area, ['Virtual host', 'Name', 'Pattern', 'Apply to', 'Definition', 'Priority', '']);
    const error = h('div', { class: 'error', role: 'alert', 'data-error': area });
    const vhost = select('vhost', ctx.vhosts, ctx.vhost || ctx.vhosts[0]);
    const name = input('name', { required: true });
    const pattern = input('pattern', { required: true, placeholder: '^orders\\.' });
    const applyTo = select('apply-to', [['all', 'Exchanges and queues'], ['queues', 'Queues'], ['exchanges', 'Exchanges']], 'queues');
    const priority = input('priority', { type: 'number', value: '0' });
    const definition = argsEditor(`${area}-definition`, [['max-length', 'number'], ['max-length-bytes', 'number'], ['message-ttl', 'number'],
      ['expires', 'number'], ['overflow', 'string'], ['dead-letter-exchange', 'string'], ['dead-letter-routing-key', 'string'],
      ['delivery-limit', 'number'], ['alternate-exchange', 'string'], ['queue-mode', 'string']]);
    const heading = h('h2', { 'data-heading': area });
    const replaces = h('span', { class: 'muted', 'data-replaces': area });
    const cancel = h('button', { type: 'button', class: 'secondary', 'data-action': `cancel-edit-${area}`, onclick: () => reset() }, 'Cancel edit');
    const editRow = h('div', { class: 'row' }, replaces, cancel);
    // The policy whose values the form was filled with; saving under the same vhost and name replaces it,
    // as a PUT always does. Changing either makes the form an add again, and the heading says so.
    let edited = null;
    const showMode = () => {
      const editing = edited && edited.vhost === vhost.value && edited.name === name.value;
      fill(heading, editing ? [`Edit ${noun} `, h('code', null, edited.name)] : `Add or update ${noun}`);
      fill(replaces, editing ? `Saving replaces the ${noun} '${edited.name}' of virtual host '${edited.vhost}'.` : '');
      replaces.hidden = !editing;
      editRow.hidden = !edited;
      addForm.classList.toggle('editing', Boolean(editing));
    };
    const clearMessages = () => addForm.querySelectorAll('.error, .notice').forEach((box) => { box.textContent = ''; });
    const reset = () => {
      edited = null;
      choose(vhost, ctx.vhost || ctx.vhosts[0]);
      name.value = '';
      pattern.value = '';
      applyTo.value = 'queues';
      priority.value = '0';
      definition.setValues({});
      clearMessages();
      showMode();
    };
    // Fills the form from the policy as stored now, not from the row, which may be up to a refresh old.
    const edit = async (row) => {
      const p = await getOrShow(`/${area}/${seg(row.vhost)}/${seg(row.name)}`, error);
      if (!p) return;
      edited = { vhost: p.vhost, name: p.name };
      choose(vhost, p.vhost);
      name.value = p.name;
      pattern.value = p.pattern;
      choose(applyTo, p['apply-to']);
      priority.value = String(p.priority ?? 0);
      definition.setValues(p.definition);
      clearMessages();
      showMode();
      addForm.scrollIntoView({ block: 'start' });
      pattern.focus({ preventScroll: true });
    };
    const refresh = async () => {
      const list = await get(`/${area}`);
      fill(t.body, list.length ? list.map((p) => h('tr', null, h('td', null, p.vhost), h('td', null, p.name), h('td', null, h('code', null, p.pattern)),
        h('td', null, p['apply-to']), h('td', null, kv(p.definition)), h('td', null, num(p.priority)),
        h('td', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', 'data-edit': p.name, 'data-vhost': p.vhost, onclick: () => edit(p) }, 'Edit'),
          deleteButton(p.name, () => api('DELETE', `/${area}/${seg(p.vhost)}/${seg(p.name)}`), refresh, error))))
        : h('tr', null, h('td', { colspan: 7, class: 'muted' }, 'None.')));
    };
    refreshers.push(refresh);
    const addForm = form(`add-${area}`, [heading, editRow, field('Virtual host', vhost), field('Name', name),
      field('Pattern', pattern), field('Apply to', applyTo), field('Priority', priority), field('Definition', definition)], 'Save policy', async () => {
      await api('PUT', `/${area}/${seg(vhost.value)}/${seg(name.value)}`,
        { pattern: pattern.value, 'apply-to': applyTo.value, priority: Number(priority.value), definition: definition.values() });
      await refresh();
      return edited && edited.vhost === vhost.value && edited.name === name.value ? `The ${noun} '${name.value}' is updated.` : 'Policy saved.';
    });
    name.addEventListener('input', showMode);
    vhost.addEventListener('change', showMode);
    showMode();
    main.append(h('h2', null, title), t.el, error, addForm);
  }
  return { refresh: () => Promise.all(refreshers.map((r) => r())) };
}

/** Selects value in a select, adding it as an option first if it is not one (a vhost added since, say). */
function choose(sel, value) {
  if (value === undefined) return;
  if (![...sel.options].some((o) => o.value === value)) sel.append(h('option', { value }, value));
  sel.value = value;
}
