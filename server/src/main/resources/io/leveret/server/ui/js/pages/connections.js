// Connections and channels: paged tables, one connection's page, and closing it with a reason.
import { api, get, getOrShow, seg } from '../api.js';
import { h, fill, flag, props, num, rate, bytes, link, form, field, input, kv } from '../dom.js';
import { pagedTable } from '../table.js';

const clientName = (c) => (c.client_properties && c.client_properties.connection_name) || '';

export function mountConnections(main, ctx) {
  const table = pagedTable('connections', () => (ctx.vhost ? `/vhosts/${seg(ctx.vhost)}/connections` : '/connections'), [
    { label: 'Name', sort: 'name', cell: (c) => link(c.name, 'connections', c.name) },
    { label: 'Client name', cell: clientName },
    { label: 'Virtual host', sort: 'vhost', cell: (c) => c.vhost },
    { label: 'User', sort: 'user', cell: (c) => c.user },
    { label: 'State', sort: 'state', cell: (c) => c.state },
    { label: 'TLS', cell: (c) => (c.ssl ? 'yes' : '') },
    { label: 'Protocol', cell: (c) => c.protocol },
    { label: 'Channels', sort: 'channels', num: true, cell: (c) => num(c.channels) },
    { label: 'From client', num: true, cell: (c) => rate(c.recv_oct_details) },
    { label: 'To client', num: true, cell: (c) => rate(c.send_oct_details) },
  ], { empty: 'No connections.' });
  main.append(h('h1', null, 'Connections'), table.el);
  return { refresh: table.refresh };
}

export function mountChannels(main, ctx) {
  const table = pagedTable('channels', () => (ctx.vhost ? `/vhosts/${seg(ctx.vhost)}/channels` : '/channels'), [
    { label: 'Channel', sort: 'name', cell: (c) => link(c.name, 'channels', c.name) },
    { label: 'Virtual host', sort: 'vhost', cell: (c) => c.vhost },
    { label: 'User', sort: 'user', cell: (c) => c.user },
    { label: 'Mode', cell: (c) => [c.confirm ? 'C' : '', c.transactional ? 'T' : ''].join(' ') },
    { label: 'State', sort: 'state', cell: (c) => c.state },
    { label: 'Consumers', sort: 'consumer_count', num: true, cell: (c) => num(c.consumer_count) },
    { label: 'Prefetch', num: true, cell: (c) => num(c.prefetch_count) },
    { label: 'Unacked', sort: 'messages_unacknowledged', num: true, cell: (c) => num(c.messages_unacknowledged) },
    { label: 'Publish', num: true, cell: (c) => rate(c.message_stats && c.message_stats.publish_details) },
    { label: 'Deliver', num: true, cell: (c) => rate(c.message_stats && c.message_stats.deliver_get_details) },
  ], { empty: 'No channels.' });
  main.append(h('h1', null, 'Channels'), table.el);
  return { refresh: table.refresh };
}

export function mountConnection(main, ctx, [name]) {
  const path = `/connections/${seg(name)}`;
  const details = h('section', { class: 'panel', 'data-connection': name });
  const client = h('section', { class: 'panel' });
  const channels = h('tbody');
  const missing = h('div', { class: 'error', role: 'alert', 'data-error': 'connection' });
  main.append(h('h1', null, 'Connection ', h('code', null, name)), missing, h('div', { class: 'grid' }, details, client),
    h('h2', null, 'Channels'), h('table', null, h('thead', null, h('tr', null, ['Channel', 'State', 'Consumers', 'Prefetch', 'Unacked'].map((t) => h('th', null, t)))), channels));
  if (!ctx.readOnly) {
    const reason = input('reason', { value: 'Closed via management UI', size: 40 });
    main.append(h('h2', null, 'Close this connection'), form('close-connection', [field('Reason', reason)], 'Force close', async () => {
      await api('DELETE', path, undefined, { 'X-Reason': reason.value });
      return 'Connection closed.';
    }));
  }

  async function refresh() {
    const c = await getOrShow(path, missing);
    if (!c) return;
    fill(details, props([['Client name', clientName(c)], ['User', c.user], ['Virtual host', c.vhost], ['State', c.state],
      ['Protocol', c.protocol], ['Auth mechanism', c.auth_mechanism], ['Peer', `${c.peer_host}:${c.peer_port}`],
      ['TLS', c.ssl ? `${c.ssl_protocol || 'yes'}` : 'no'], ['Heartbeat', `${c.timeout}s`], ['Frame max', num(c.frame_max)],
      ['Channel max', num(c.channel_max)], ['Received', bytes(c.recv_oct)], ['Sent', bytes(c.send_oct)]]));
    fill(client, h('h2', null, 'Client properties'), kv(c.client_properties));
    const list = await get(`${path}/channels`);
    fill(channels, list.length ? list.map((ch) => h('tr', null, h('td', null, link(ch.name, 'channels', ch.name)), h('td', null, ch.state), h('td', null, num(ch.consumer_count)),
      h('td', null, num(ch.prefetch_count)), h('td', null, num(ch.messages_unacknowledged))))
      : h('tr', null, h('td', { colspan: 5, class: 'muted' }, 'No channels.')));
  }
  return { refresh };
}

export function mountChannel(main, ctx, [name]) {
  const path = `/channels/${seg(name)}`;
  const details = h('section', { class: 'panel', 'data-channel': name });
  const consumers = h('tbody');
  const missing = h('div', { class: 'error', role: 'alert', 'data-error': 'channel' });
  main.append(h('h1', null, 'Channel ', h('code', null, name)), missing, details,
    h('h2', null, 'Consumers'), h('table', null, h('thead', null, h('tr', null, ['Queue', 'Consumer tag', 'Ack required', 'Exclusive', 'Prefetch'].map((t) => h('th', null, t)))), consumers));

  async function refresh() {
    const c = await getOrShow(path, missing);
    if (!c) return;
    const conn = c.connection_details || {};
    fill(details, props([['Connection', conn.name ? link(conn.name, 'connections', conn.name) : ''], ['User', c.user], ['Virtual host', c.vhost],
      ['State', c.state], ['Confirm mode', flag(c.confirm)], ['Transactional', flag(c.transactional)],
      ['Prefetch (consumer)', num(c.prefetch_count)], ['Prefetch (channel)', num(c.global_prefetch_count)],
      ['Unacked', num(c.messages_unacknowledged)], ['Unconfirmed', num(c.messages_unconfirmed)],
      ['Publish', rate(c.message_stats && c.message_stats.publish_details)],
      ['Deliver', rate(c.message_stats && c.message_stats.deliver_get_details)],
      ['Ack', rate(c.message_stats && c.message_stats.ack_details)]]));
    const list = (await get(`/consumers/${seg(c.vhost)}`)).filter((x) => x.channel_details && x.channel_details.name === name);
    fill(consumers, list.length ? list.map((x) => h('tr', null,
      h('td', null, x.queue ? link(x.queue.name, 'queues', x.queue.vhost, x.queue.name) : ''), h('td', null, x.consumer_tag),
      h('td', null, String(x.ack_required)), h('td', null, String(x.exclusive)), h('td', null, num(x.prefetch_count))))
      : h('tr', null, h('td', { colspan: 5, class: 'muted' }, 'No consumers.')));
  }
  return { refresh };
}
