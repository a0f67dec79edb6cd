// One queue: details, live chart, bindings, consumers, get messages, publish, purge and delete.
import { api, get, getOrShow, seg } from '../api.js';
import { h, fill, props, num, rate, link, form, field, input, select, kv, bytes } from '../dom.js';
import { lineChart, levels } from '../chart.js';
import { argsEditor } from '../args.js';
import { features } from './queues.js';
import { publishFields, publishBody } from './exchanges.js';

export function mount(main, ctx, [vhost, name]) {
  const path = `/queues/${seg(vhost)}/${seg(name)}`;
  const details = h('section', { class: 'panel', 'data-queue-details': '' });
  const chart = lineChart('queue-messages', '');
  const bindings = h('tbody');
  const consumers = h('tbody');
  const missing = h('div', { class: 'error', role: 'alert', 'data-error': 'queue' });
  main.append(h('h1', null, 'Queue ', h('code', null, name), h('span', { class: 'muted' }, ` in ${vhost}`)), missing,
    h('div', { class: 'grid' }, details, h('section', { class: 'panel' }, h('h2', null, 'Messages'), chart)),
    h('h2', null, 'Consumers'), h('table', null, h('thead', null, h('tr', null, ['Channel', 'Consumer tag', 'Ack required', 'Exclusive', 'Prefetch'].map((t) => h('th', null, t)))), consumers),
    h('h2', null, 'Bindings'), h('table', null, h('thead', null, h('tr', null, ['From', 'Routing key', 'Arguments', ''].map((t) => h('th', null, t)))), bindings));
  if (!ctx.readOnly) {
    main.append(bindForm(vhost, name, () => refresh()), h('h2', null, 'Get messages'), getMessages(path),
      h('h2', null, 'Publish a message'), publish(vhost, name),
      h('h2', null, 'Purge and delete'), h('div', { class: 'grid' },
        form('purge', [h('p', null, 'Remove every ready message from the queue.')], 'Purge messages', async () => {
          await api('DELETE', `${path}/contents`);
          await refresh();
          return 'Queue purged.';
        }, { confirm: `Purge every ready message from '${name}'?` }),
        form('delete-queue', [h('p', null, 'Delete the queue and every message in it.')], 'Delete queue', async () => {
          await api('DELETE', path);
          location.hash = '#/queues';
          return 'Queue deleted.';
        }, { confirm: `Delete the queue '${name}' and its messages?` })));
  }

  async function refresh() {
    const q = await getOrShow(`${path}?${'lengths_age=600&lengths_incr=5&msg_rates_age=600&msg_rates_incr=5'}`, missing);
    if (!q) return;
    fill(details, props([
      ['Type', q.type || 'classic'], ['Features', features(q)], ['State', q.state], ['Policy', q.policy || ''],
      ['Arguments', h('div', null, kv(q.arguments))], ['Node', q.node],
      ['Ready', num(q.messages_ready)], ['Unacked', num(q.messages_unacknowledged)], ['Total', num(q.messages)],
      ['Message bytes', bytes(q.message_bytes)], ['Consumers', num(q.consumers)],
      ['Incoming', rate(q.message_stats && q.message_stats.publish_details)],
      ['Deliver', rate(q.message_stats && q.message_stats.deliver_get_details)],
    ]));
    chart.update([
      { label: 'Ready', points: levels(q.messages_ready_details) },
      { label: 'Unacked', points: levels(q.messages_unacknowledged_details) },
    ]);
    // The vhost's consumer list rather than the queue's consumer_details: both brokers fill it alike.
    const mine = (await get(`/consumers/${seg(vhost)}`)).filter((c) => c.queue && c.queue.name === name);
    fill(consumers, mine.length ? mine.map((c) => h('tr', null,
      h('td', null, c.channel_details ? link(c.channel_details.name, 'channels', c.channel_details.name) : ''), h('td', null, c.consumer_tag),
      h('td', null, String(c.ack_required)), h('td', null, String(c.exclusive)), h('td', null, num(c.prefetch_count))))
      : h('tr', null, h('td', { colspan: 5, class: 'muted' }, 'No consumers.')));
    const b = await get(`${path}/bindings`);
    fill(bindings, b.map((x) => h('tr', null,
      h('td', null, x.source === '' ? '(default exchange)' : link(x.source, 'exchanges', vhost, x.source)),
      h('td', null, x.routing_key), h('td', null, kv(x.arguments)),
      h('td', null, x.source === '' || ctx.readOnly ? '' : h('button', { type: 'button', class: 'secondary', 'data-unbind': x.routing_key, onclick: async () => {
        await api('DELETE', `/bindings/${seg(vhost)}/e/${seg(x.source)}/q/${seg(name)}/${seg(x.properties_key)}`);
        await refresh();
      } }, 'Unbind')))));
  }
  return { refresh };
}

function bindForm(vhost, queue, refresh) {
  const source = input('source', { required: true });
  const key = input('routing_key');
  const args = argsEditor('binding-arguments');
  return form('bind-queue', [h('h2', null, 'Bind to this queue'), field('From exchange', source), field('Routing key', key), field('Arguments', args)], 'Bind', async () => {
    await api('POST', `/bindings/${seg(vhost)}/e/${seg(source.value)}/q/${seg(queue)}`, { routing_key: key.value, arguments: args.values() });
    await refresh();
    return 'Bound.';
  });
}

function getMessages(path) {
  const count = input('count', { type: 'number', value: '1', min: '1' });
  const ackmode = select('ackmode', [['ack_requeue_true', 'Nack, requeue'], ['ack_requeue_false', 'Ack, remove from queue'], ['reject_requeue_true', 'Reject, requeue'], ['reject_requeue_false', 'Reject, do not requeue']], 'ack_requeue_true');
  const encoding = select('encoding', [['auto', 'Automatic string/base64'], ['base64', 'Base64']], 'auto');
  const out = h('div', { 'data-messages': '' });
  const f = form('get-messages', [field('Messages', count), field('Ack mode', ackmode), field('Encoding', encoding)], 'Get messages', async () => {
    const msgs = await api('POST', `${path}/get`, { count: Number(count.value), ackmode: ackmode.value, encoding: encoding.value, truncate: 50000 });
    fill(out, msgs.length ? msgs.map((m, i) => h('div', { class: 'message', 'data-message': i },
      props([['Message', `${i + 1}, ${m.message_count} left in the queue`], ['Exchange', m.exchange === '' ? '(default)' : m.exchange],
        ['Routing key', m.routing_key], ['Redelivered', String(m.redelivered)], ['Properties', h('div', null, kv(m.properties))],
        ['Payload', `${m.payload_bytes} bytes, encoding: ${m.payload_encoding}`]]),
      h('pre', { 'data-payload': '' }, m.payload))) : null);
    return msgs.length ? `${msgs.length} message${msgs.length > 1 ? 's' : ''} fetched.` : 'The queue is empty.';
  });
  f.append(out);
  return f;
}

function publish(vhost, queue) {
  const fields = publishFields(false);
  return form('publish-queue', [h('p', { class: 'muted' }, 'Published to the default exchange with the queue\'s name as routing key.'), fields], 'Publish message', async () => {
    const answer = await api('POST', `/exchanges/${seg(vhost)}/amq.default/publish`, { ...publishBody(fields), routing_key: queue });
    return answer.routed ? 'Message published.' : 'Message published, but not routed.';
  });
}
