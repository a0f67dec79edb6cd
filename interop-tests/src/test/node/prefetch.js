'use strict';
// basic.qos prefetch: with prefetch 2 the broker holds back the rest until an ack frees credit.
const amqp = require('amqplib');
const { uri, unique, checkEq, until, main } = require('./interop');

main(async () => {
  const conn = await amqp.connect(uri());
  const ch = await conn.createChannel();
  const queue = unique('amqplib-prefetch');
  await ch.assertQueue(queue, { exclusive: true });
  await ch.prefetch(2);
  for (let i = 0; i < 5; i++) ch.sendToQueue(queue, Buffer.from(`job ${i}`));

  const got = [];
  await ch.consume(queue, (msg) => got.push(msg), { noAck: false });
  await until(() => got.length === 2, 'two deliveries');
  // A synchronous round trip on the same channel: deliveries the broker sent before the
  // declare-ok would have arrived before it.
  const held = await ch.checkQueue(queue);
  checkEq([got.length, held.messageCount], [2, 3], 'two unacked in flight, three held back');

  ch.ack(got[0]);
  await until(() => got.length === 3, 'a third delivery after one ack');
  ch.ack(got[2], true); // multiple: acks tags 2 and 3
  await until(() => got.length === 5, 'the last two after a multiple ack');
  checkEq(got.map((m) => m.content.toString()), ['job 0', 'job 1', 'job 2', 'job 3', 'job 4'], 'order');
  ch.ackAll();
  checkEq((await ch.checkQueue(queue)).messageCount, 0, 'queue drained');
  await conn.close();
});
