'use strict';
// SASL: AMQPLAIN and PLAIN both log in; a wrong password is refused with RabbitMQ's 403 text
// (amqplib advertises authentication_failure_close, so the broker sends connection.close first).
const amqp = require('amqplib');
const { uriParts, unique, checkEq, check, main } = require('./interop');

function url(p) {
  return `amqp://${p.hostname}:${p.port}/${encodeURIComponent(p.vhost)}`;
}

async function roundTrip(conn, what) {
  const ch = await conn.createChannel();
  const queue = unique('amqplib-auth');
  await ch.assertQueue(queue, { exclusive: true });
  ch.sendToQueue(queue, Buffer.from(what));
  const msg = await ch.get(queue, { noAck: true });
  checkEq(msg && msg.content.toString(), what, `round trip after ${what} login`);
}

async function refused(credentials, mechanism) {
  const p = uriParts();
  let error = null;
  try {
    const conn = await amqp.connect(url(p), { credentials });
    await conn.close();
  } catch (e) {
    error = e;
  }
  check(error !== null, `wrong password with ${mechanism} is refused`);
  checkEq(error.message, 'Handshake terminated by server: 403 (ACCESS-REFUSED) with message '
    + `"ACCESS_REFUSED - Login was refused using authentication mechanism ${mechanism}. `
    + 'For details see the broker logfile."', `${mechanism} refusal message`);
}

main(async () => {
  const p = uriParts();
  for (const [mechanism, credentials] of [
    ['AMQPLAIN', amqp.credentials.amqplain(p.username, p.password)],
    ['PLAIN', amqp.credentials.plain(p.username, p.password)],
  ]) {
    checkEq(credentials.mechanism, mechanism, 'mechanism amqplib will send');
    const conn = await amqp.connect(url(p), { credentials });
    await roundTrip(conn, mechanism);
    await conn.close();
  }
  await refused(amqp.credentials.amqplain(p.username, `${p.password}-wrong`), 'AMQPLAIN');
  await refused(amqp.credentials.plain(p.username, `${p.password}-wrong`), 'PLAIN');
});
