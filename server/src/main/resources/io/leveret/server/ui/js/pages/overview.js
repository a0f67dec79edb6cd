// Overview: node, alarms first, listeners, totals, the two live charts and definitions export/import.
import { api, get } from '../api.js';
import { h, fill, props, num, bytes, duration, form, field, describe } from '../dom.js';
import { lineChart, levels, rates } from '../chart.js';

const SAMPLES = 'lengths_age=600&lengths_incr=5&msg_rates_age=600&msg_rates_incr=5';

export function mount(main, ctx) {
  const alarms = h('div', { 'data-alarms': '' });
  const node = h('section', { class: 'panel' });
  const totals = h('div', { class: 'totals', 'data-totals': '' });
  const queued = lineChart('queued', '');
  const msgRates = lineChart('rates', '/s');
  const listeners = h('tbody');
  main.append(h('h1', null, 'Overview'), alarms, totals,
    h('div', { class: 'grid' },
      h('section', { class: 'panel' }, h('h2', null, 'Queued messages'), queued),
      h('section', { class: 'panel' }, h('h2', null, 'Message rates'), msgRates)),
    h('div', { class: 'grid' }, h('div', null, h('h2', null, 'Node'), node),
      h('div', null, h('h2', null, 'Listeners'), h('table', null, h('thead', null, h('tr', null, h('th', null, 'Protocol'), h('th', null, 'Bound to'), h('th', { class: 'num' }, 'Port'))), listeners))));
  if (ctx.tags.includes('administrator')) main.append(definitions(ctx));
  // /api/nodes is for monitoring and administrators; asking as a plain management user only earns a 401.
  const seesNodes = ctx.tags.includes('administrator') || ctx.tags.includes('monitoring');

  async function refresh() {
    const [o, nodes] = await Promise.all([get(`/overview?${SAMPLES}`), seesNodes ? get('/nodes') : null]);
    const n = nodes && nodes[0];
    const raised = [];
    if (n && n.mem_alarm) raised.push(`Memory alarm: ${bytes(n.mem_used)} used of ${bytes(n.mem_limit)} allowed. Publishers are blocked.`);
    if (n && n.disk_free_alarm) raised.push(`Disk alarm: ${bytes(n.disk_free)} free, limit ${bytes(n.disk_free_limit)}. Publishers are blocked.`);
    fill(alarms, raised.length ? raised.map((t) => h('div', { class: 'alarm', role: 'alert' }, t))
      : n ? h('p', { class: 'no-alarm' }, 'No memory or disk alarms.') : null);
    const t = o.object_totals || {};
    const q = o.queue_totals || {};
    fill(totals, [['Connections', t.connections], ['Channels', t.channels], ['Exchanges', t.exchanges], ['Queues', t.queues], ['Consumers', t.consumers],
      ['Ready', q.messages_ready], ['Unacked', q.messages_unacknowledged]]
      .filter(([k, v]) => v !== undefined || k !== 'Consumers') // the API shows consumers to monitoring users only
      .map(([k, v]) => h('div', { 'data-total': k.toLowerCase() }, h('b', null, num(v || 0)), h('span', null, k))));
    fill(node, props([
      ['Node', o.node], ['Version', o.leveret_version ? `Leveret ${o.leveret_version} (as RabbitMQ ${o.rabbitmq_version})`
        : `${o.product_name || ''} ${o.product_version || o.rabbitmq_version || ''}`],
      ['Cluster', o.cluster_name], ['Uptime', n ? duration(n.uptime) : undefined],
      ['Memory', n ? `${bytes(n.mem_used)} of ${bytes(n.mem_limit)}` : undefined],
      ['Disk free', n && n.disk_free !== undefined ? `${bytes(n.disk_free)} (limit ${bytes(n.disk_free_limit)})` : undefined],
      ['File descriptors', n && n.fd_total ? `${num(n.fd_used)} of ${num(n.fd_total)}` : undefined],
    ]));
    fill(listeners, (o.listeners || []).map((l) => h('tr', null, h('td', null, l.protocol), h('td', null, l.ip_address), h('td', { class: 'num' }, l.port))));
    queued.update([
      { label: 'Ready', points: levels(q.messages_ready_details) },
      { label: 'Unacked', points: levels(q.messages_unacknowledged_details) },
    ]);
    const m = o.message_stats || {};
    msgRates.update([
      { label: 'Publish', points: rates(m.publish_details) },
      { label: 'Confirm', points: rates(m.confirm_details) },
      { label: 'Deliver', points: rates(m.deliver_get_details) },
      { label: 'Ack', points: rates(m.ack_details) },
    ]);
  }
  return { refresh };
}

function definitions(ctx) {
  const exportError = h('div', { class: 'error', role: 'alert', 'data-error': 'export' });
  const download = async () => {
    exportError.textContent = '';
    try {
      const defs = await get('/definitions');
      const a = h('a', { href: URL.createObjectURL(new Blob([JSON.stringify(defs, null, 2)], { type: 'application/json' })), download: `leveret-definitions-${new Date().toISOString().slice(0, 10)}.json` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    } catch (e) {
      exportError.textContent = describe(e);
    }
  };
  const file = h('input', { type: 'file', name: 'file', accept: 'application/json,.json', required: true });
  const upload = form('import-definitions', [field('Definitions file', file)], 'Upload', async () => {
    const text = await file.files[0].text();
    await api('POST', '/definitions', text);
    await ctx.reloadVhosts();
    return 'Definitions imported.';
  });
  return h('section', null, h('h2', null, 'Definitions'),
    h('section', { class: 'panel' }, h('p', null, 'Every vhost, user, permission, policy, exchange, queue and binding as one JSON file.'),
      h('button', { type: 'button', 'data-action': 'export', onclick: download }, 'Download definitions'), exportError),
    upload);
}
