// Boot, login, navigation and the 5-second refresh. Pages are hash routes (#/queues/%2F/q1), so the
// broker serves one page and every view has an address that survives a reload in the same tab.
import { get, remember, forget, loggedIn } from './api.js';
import { h, fill, form, field, input, describe } from './dom.js';
import * as overview from './pages/overview.js';
import * as connections from './pages/connections.js';
import * as exchanges from './pages/exchanges.js';
import * as queues from './pages/queues.js';
import * as queue from './pages/queue.js';
import * as admin from './pages/admin.js';

const REFRESH_MS = 5000;
const main = document.getElementById('main');
const ctx = { user: null, vhosts: [], vhost: sessionStorage.getItem('leveret.vhost') || '' };
let current = null;
let timer = null;

function tagsOf(user) {
  return Array.isArray(user.tags) ? user.tags : String(user.tags || '').split(',').filter((t) => t);
}

/** What the user may see: as in RabbitMQ, admin pages for administrators, policies for policymakers too. */
function pages() {
  const tags = ctx.tags;
  const list = [
    ['Overview', '', overview.mount],
    ['Connections', 'connections', connections.mountConnections],
    ['Channels', 'channels', connections.mountChannels],
    ['Exchanges', 'exchanges', exchanges.mount],
    ['Queues', 'queues', queues.mount],
  ];
  if (tags.includes('administrator')) {
    list.push(['Users', 'users', admin.mountUsers], ['Virtual hosts', 'vhosts', admin.mountVhosts]);
  }
  if (tags.includes('administrator') || tags.includes('policymaker')) {
    list.push(['Policies', 'policies', admin.mountPolicies]);
  }
  return list;
}

/** Detail routes: first segment, then the page that shows one object. */
const DETAILS = {
  connections: connections.mountConnection,
  channels: connections.mountChannel,
  exchanges: exchanges.mountExchange,
  queues: queue.mount,
  users: admin.mountUser,
};

function showLogin(message) {
  document.getElementById('top').hidden = true;
  stop();
  const user = input('username', { autocomplete: 'username', autofocus: true, required: true });
  const password = input('password', { type: 'password', autocomplete: 'current-password' });
  const f = form('login', [h('h1', null, 'Leveret'), field('Username', user), field('Password', password)], 'Log in', async () => {
    remember(user.value, password.value);
    try {
      await start();
    } catch (e) {
      forget();
      throw e;
    }
  }, { class: 'login' });
  fill(main, f);
  user.focus();
  if (message) f.querySelector('.error').textContent = message;
}

async function start() {
  const who = await get('/whoami');
  ctx.user = who;
  ctx.tags = tagsOf(who);
  ctx.readOnly = ctx.tags.includes('monitoring') && !ctx.tags.includes('administrator');
  document.getElementById('who-name').textContent = `${who.name} (${ctx.tags.join(', ') || 'no tags'})`;
  document.getElementById('top').hidden = false;
  await loadVhosts();
  route();
}

async function loadVhosts() {
  ctx.vhosts = (await get('/vhosts?columns=name')).map((v) => v.name);
  if (ctx.vhost && !ctx.vhosts.includes(ctx.vhost)) ctx.vhost = '';
  const sel = document.getElementById('vhost-filter');
  fill(sel, h('option', { value: '' }, 'All'), ctx.vhosts.map((v) => h('option', { value: v, selected: v === ctx.vhost }, v)));
}
ctx.reloadVhosts = loadVhosts;

document.getElementById('vhost-filter').addEventListener('change', (e) => {
  ctx.vhost = e.target.value;
  sessionStorage.setItem('leveret.vhost', ctx.vhost);
  route();
});

document.getElementById('logout').addEventListener('click', () => {
  forget();
  ctx.user = null; // the hash change below must not mount a page without credentials
  location.hash = '#/';
  showLogin();
});

function stop() {
  if (timer) clearInterval(timer);
  timer = null;
  current = null;
}

function route() {
  if (!ctx.user) return;
  stop();
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
  const list = pages();
  const nav = document.getElementById('nav');
  fill(nav, list.map(([label, path]) => h('a', { href: `#/${path}`, class: (parts[0] || '') === path ? 'active' : '', 'data-nav': path || 'overview' }, label)));
  let mount;
  if (parts.length > 1 && DETAILS[parts[0]] && list.some(([, p]) => p === parts[0])) mount = DETAILS[parts[0]];
  else if (parts.length <= 1) mount = (list.find(([, p]) => p === (parts[0] || '')) || [])[2];
  main.replaceChildren();
  if (!mount) {
    main.append(h('h1', null, 'Not found'), h('p', null, 'There is no such page, or your tags do not allow it.'));
    return;
  }
  const page = mount(main, ctx, parts.slice(1));
  const token = {};
  current = token;
  const tick = async () => {
    if (current !== token || !page.refresh) return;
    try {
      await page.refresh();
    } catch (e) {
      if (e.status === 401) {
        forget();
        ctx.user = null;
        showLogin(describe(e));
      }
    }
  };
  tick();
  timer = setInterval(tick, REFRESH_MS);
}

window.addEventListener('hashchange', route);

if (loggedIn()) {
  start().catch((e) => { forget(); showLogin(describe(e)); });
} else {
  showLogin();
}
