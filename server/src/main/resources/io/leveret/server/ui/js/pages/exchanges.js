// Exchanges: list, add, and one exchange's page with its bindings, bind/unbind, publish and delete.
import { api, get, getOrShow, seg } from '../api.js';
import { h, fill, flag, props, rate, link, form, field, input, select, checkbox, kv } from '../dom.js';
import { pagedTable } from '../table.js';
import { argsEditor } from '../args.js';

const PROPERTIES = [['content_type', 'string'], ['content_encoding', 'string'], ['priority', 'number'], ['correlation_id', 'string'],
  ['reply_to', 'string'], ['expiration', 'string'], ['message_id', 'string'], ['timestamp', 'number'], ['type', 'string'],
  ['user_id', 'string'], ['app_id', 'string']];

const shown = (name) => (name === '' ? '(AMQP default)' : name);
const pathName = (name) => (name === '' ? 'amq.default' : name);

export function mount(main, ctx) {
  const table = pagedTable('exchanges', () => (ctx.vhost ? `/exchanges/${seg(ctx.vhost)}` : '/exchanges'), [
    { label: 'Virtual host', sort: 'vhost', cell: (e) => e.vhost },
    { label: 'Name', sort: 'name', cell: (e) => link(shown(e.name), 'exchanges', e.vhost, pathName(e.name)) },
    { label: 'Type', sort: 'type', cell: (e) => e.type },
    { label: 'Features', cell: (e) => [e.durable ? 'D' : '', e.auto_delete ? ' AD' : '', e.internal ? ' I' : '', Object.keys(e.arguments || {}).length ? ' +args' : ''].join('') },
    { label: 'Policy', sort: 'policy', cell: (e) => e.policy || '' },
    { label: 'In', num: true, cell: (e) => rate(e.message_stats && e.message_stats.publish_in_details) },
    { label: 'Out', num: true, cell: (e) => rate(e.message_stats && e.message_stats.publish_out_details) },
  ], { empty: 'No exchanges.' });
  main.append(h('h1', null, 'Exchanges'), table.el);
  if (!ctx.readOnly) main.append(h('h2', null, 'Add an exchange'), addExchange(ctx, table.refresh));
  return { refresh: table.refresh };
}

function addExchange(ctx, refresh) {
  const vhost = select('vhost', ctx.vhosts, ctx.vhost || ctx.vhosts[0]);
  const name = input('name', { required: true });
  const type = select('type', ['direct', 'fanout', 'topic', 'headers', 'x-delayed-message'], 'direct');
  const durable = checkbox('durable', true);
  const autoDelete = checkbox('auto_delete', false);
  const internal = checkbox('internal', false);
  const args = argsEditor('exchange-arguments', [['alternate-exchange', 'string'], ['x-delayed-type', 'string']]);
  return form('add-exchange', [field('Virtual host', vhost), field('Name', name), field('Type', type), field('Durable', durable),
    field('Auto delete', autoDelete), field('Internal', internal), field('Arguments', args)], 'Add exchange', async () => {
    await api('PUT', `/exchanges/${seg(vhost.value)}/${seg(name.value)}`,
      { type: type.value, durable: durable.checked, auto_delete: autoDelete.checked, internal: internal.checked, arguments: args.values() });
    await refresh();
    return `Exchange '${name.value}' declared.`;
  });
}

/** The publish fields shared with the queue page; withKey adds the routing key input. */
export function publishFields(withKey) {
  const key = input('routing_key', { 'data-field': 'routing-key' });
  const mode = select('delivery_mode', [['1', '1 - non-persistent'], ['2', '2 - persistent']], '1');
  const headers = argsEditor('headers');
  const properties = argsEditor('properties', PROPERTIES);
  const payload = h('textarea', { name: 'payload', 'data-field': 'payload' });
  const encoding = select('payload_encoding', [['string', 'String'], ['base64', 'Base64']], 'string');
  const el = h('div', null, withKey ? field('Routing key', key) : null, field('Delivery mode', mode), field('Headers', headers),
    field('Properties', properties), field('Payload encoding', encoding), field('Payload', payload));
  el.parts = { key, mode, headers, properties, payload, encoding };
  return el;
}

export function publishBody(fields) {
  const p = fields.parts;
  const properties = { ...p.properties.values(), delivery_mode: Number(p.mode.value) };
  const headers = p.headers.values();
  if (Object.keys(headers).length) properties.headers = headers;
  return { routing_key: p.key.value, properties, payload: p.payload.value, payload_encoding: p.encoding.value };
}

export function mountExchange(main, ctx, [vhost, name]) {
  const path = `/exchanges/${seg(vhost)}/${seg(name)}`;
  const details = h('section', { class: 'panel' });
  const out = h('tbody');
  const into = h('tbody');
  const missing = h('div', { class: 'error', role: 'alert', 'data-error': 'exchange' });
  const head = (...t) => h('thead', null, h('tr', null, t.map((x) => h('th', null, x))));
  main.append(h('h1', null, 'Exchange ', h('code', null, shown(name === 'amq.default' ? '' : name)), h('span', { class: 'muted' }, ` in ${vhost}`)), missing, details,
    h('h2', null, 'Bindings from this exchange'), h('table', null, head('To', 'Routing key', 'Arguments', ''), out),
    h('h2', null, 'Bindings to this exchange'), h('table', null, head('From', 'Routing key', 'Arguments'), into));
  if (!ctx.readOnly) {
    main.append(bindForm(vhost, name, () => refresh()), h('h2', null, 'Publish a message'), publish(path),
      h('h2', null, 'Delete'), form('delete-exchange', [h('p', null, 'Delete this exchange and its bindings.')], 'Delete exchange', async () => {
        await api('DELETE', path);
        location.hash = '#/exchanges';
        return null;
      }, { confirm: `Delete the exchange '${name}'?` }));
  }
  const dest = (b) => link(b.destination, b.destination_type === 'queue' ? 'queues' : 'exchanges', vhost, b.destination);

  async function refresh() {
    const e = await getOrShow(path, missing);
    if (!e) return;
    fill(details, props([['Type', e.type], ['Durable', flag(e.durable)], ['Auto delete', flag(e.auto_delete)],
      ['Internal', flag(e.internal)], ['Policy', e.policy || ''], ['Arguments', h('div', null, kv(e.arguments))],
      ['Publish in', rate(e.message_stats && e.message_stats.publish_in_details)],
      ['Publish out', rate(e.message_stats && e.message_stats.publish_out_details)]]));
    if (name === 'amq.default') return; // the default exchange's bindings are implicit
    const [source, destination] = await Promise.all([get(`${path}/bindings/source`), get(`${path}/bindings/destination`)]);
    fill(out, source.map((b) => h('tr', null, h('td', null, `${b.destination_type}: `, dest(b)), h('td', null, b.routing_key), h('td', null, kv(b.arguments)),
      h('td', null, ctx.readOnly ? '' : h('button', { type: 'button', class: 'secondary', 'data-unbind': b.routing_key, onclick: async () => {
        await api('DELETE', `/bindings/${seg(vhost)}/e/${seg(name)}/${b.destination_type === 'queue' ? 'q' : 'e'}/${seg(b.destination)}/${seg(b.properties_key)}`);
        await refresh();
      } }, 'Unbind')))));
    fill(into, destination.map((b) => h('tr', null, h('td', null, link(b.source, 'exchanges', vhost, b.source)), h('td', null, b.routing_key), h('td', null, kv(b.arguments)))));
  }
  return { refresh };
}

function bindForm(vhost, exchange, refresh) {
  const kind = select('destination_type', [['q', 'Queue'], ['e', 'Exchange']], 'q');
  const destination = input('destination', { required: true });
  const key = input('routing_key');
  const args = argsEditor('binding-arguments', [['x-match', 'string']]);
  return form('bind-exchange', [h('h2', null, 'Add a binding from this exchange'), field('To', h('span', null, kind, ' ', destination)), field('Routing key', key), field('Arguments', args)], 'Bind', async () => {
    await api('POST', `/bindings/${seg(vhost)}/e/${seg(exchange)}/${kind.value}/${seg(destination.value)}`, { routing_key: key.value, arguments: args.values() });
    await refresh();
    return 'Bound.';
  });
}

function publish(path) {
  const fields = publishFields(true);
  return form('publish-exchange', [fields], 'Publish message', async () => {
    const answer = await api('POST', `${path}/publish`, publishBody(fields));
    return answer.routed ? 'Message published and routed.' : 'Message published, but no queue took it.';
  });
}
