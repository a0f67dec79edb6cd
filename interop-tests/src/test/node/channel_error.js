'use strict';
// A channel error (404) surfaces in amqplib with RabbitMQ's reply text; the connection stays usable.
const amqp = require('amqplib');
const { uri, uriParts, unique, check, checkEq, main } = require('./interop');

main(async () => {
  const conn = await amqp.connect(uri());
  let connectionError = null;
  conn.on('error', (e) => { connectionError = e; });
  const ch = await conn.createChannel();
  const channelErrors = [];
  ch.on('error', (e) => channelErrors.push(e));
  let channelClosed = false;
  ch.on('close', () => { channelClosed = true; });

  const missing = unique('no-such-queue');
  const text = `NOT_FOUND - no queue '${missing}' in vhost '${uriParts().vhost}'`;
  let failure = null;
  try {
    await ch.checkQueue(missing);
  } catch (e) {
    failure = e;
  }
  check(failure !== null, 'checkQueue on a missing queue rejects');
  checkEq(failure.code, 404, 'error code');
  checkEq(failure.classId, 50, 'class id of the failed method (queue)');
  checkEq(failure.methodId, 10, 'method id of the failed method (declare)');
  checkEq(failure.message, `Operation failed: QueueDeclare; 404 (NOT-FOUND) with message "${text}"`,
    'amqplib error message');
  check(channelClosed, 'channel closed');
  checkEq(channelErrors.length, 1, 'one channel error event');
  checkEq(channelErrors[0].message, `Channel closed by server: 404 (NOT-FOUND) with message "${text}"`,
    'channel error event message');

  // The connection is fine: a new channel does a round trip.
  const ch2 = await conn.createChannel();
  const queue = unique('amqplib-after-error');
  await ch2.assertQueue(queue, { exclusive: true });
  ch2.sendToQueue(queue, Buffer.from('still here'));
  const msg = await ch2.get(queue, { noAck: true });
  checkEq(msg && msg.content.toString(), 'still here', 'round trip on a new channel');
  checkEq(connectionError, null, 'no connection error');
  await conn.close();
});
