// Queues: the paged list and the form that declares one, with every argument Leveret understands.
import { api, seg } from '../api.js';
import { h, num, rate, link, form, field, input, select, checkbox } from '../dom.js';
import { pagedTable } from '../table.js';
import { argsEditor } from '../args.js';

export const QUEUE_ARGUMENTS = [
  ['x-message-ttl', 'number'], ['x-expires', 'number'], ['x-max-length', 'number'], ['x-max-length-bytes', 'number'],
  ['x-overflow', 'string'], ['x-dead-letter-exchange', 'string'], ['x-dead-letter-routing-key', 'string'],
  ['x-delivery-limit', 'number'], ['x-max-priority', 'number'], ['x-single-active-consumer', 'boolean'],
  ['x-queue-type', 'string'], ['x-queue-mode', 'string'], ['x-message-deduplication', 'boolean'],
  ['x-cache-size', 'number'], ['x-cache-ttl', 'number'],
];

export function features(row) {
  const f = [];
  if (row.durable) f.push('D');
  if (row.auto_delete) f.push('AD');
  if (row.exclusive) f.push('Excl');
  const args = Object.keys(row.arguments || {});
  return h('span', { title: args.join(', ') }, f.join(' '), args.length ? h('span', { class: 'muted' }, ` +${args.length} args`) : null);
}

export function mount(main, ctx) {
  const table = pagedTable('queues', () => (ctx.vhost ? `/queues/${seg(ctx.vhost)}` : '/queues'), [
    { label: 'Virtual host', sort: 'vhost', cell: (q) => q.vhost },
    { label: 'Name', sort: 'name', cell: (q) => link(q.name, 'queues', q.vhost, q.name) },
    { label: 'Type', sort: 'type', cell: (q) => q.type || 'classic' },
    { label: 'Features', cell: features },
    { label: 'Policy', sort: 'policy', cell: (q) => q.policy || '' },
    { label: 'State', sort: 'state', cell: (q) => h('span', { class: `state-${q.state}` }, q.state || '') },
    { label: 'Ready', sort: 'messages_ready', num: true, cell: (q) => num(q.messages_ready) },
    { label: 'Unacked', sort: 'messages_unacknowledged', num: true, cell: (q) => num(q.messages_unacknowledged) },
    { label: 'Total', sort: 'messages', num: true, cell: (q) => num(q.messages) },
    { label: 'Incoming', num: true, cell: (q) => rate(q.message_stats && q.message_stats.publish_details) },
    { label: 'Deliver', num: true, cell: (q) => rate(q.message_stats && q.message_stats.deliver_get_details) },
    { label: 'Consumers', sort: 'consumers', num: true, cell: (q) => num(q.consumers) },
  ], { empty: 'No queues.' });
  main.append(h('h1', null, 'Queues'), table.el);
  if (!ctx.readOnly) main.append(h('h2', null, 'Add a queue'), addQueue(ctx, table.refresh));
  return { refresh: table.refresh };
}

function addQueue(ctx, refresh) {
  const vhost = select('vhost', ctx.vhosts, ctx.vhost || ctx.vhosts[0]);
  const name = input('name', { required: true, 'data-field': 'queue-name' });
  const durable = checkbox('durable', true);
  const autoDelete = checkbox('auto_delete', false);
  const args = argsEditor('queue-arguments', QUEUE_ARGUMENTS);
  return form('add-queue', [
    field('Virtual host', vhost), field('Name', name),
    field('Durable', durable), field('Auto delete', autoDelete),
    field('Arguments', args),
  ], 'Add queue', async () => {
    await api('PUT', `/queues/${seg(vhost.value)}/${seg(name.value)}`,
      { durable: durable.checked, auto_delete: autoDelete.checked, arguments: args.values() });
    await refresh();
    return `Queue '${name.value}' declared.`;
  });
}
