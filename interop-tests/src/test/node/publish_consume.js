'use strict';
// Publish with properties, consume with manual acks, nack with requeue, cancel.
const amqp = require('amqplib');
const { uri, unique, check, checkEq, until, main } = require('./interop');

main(async () => {
  const conn = await amqp.connect(uri());
  const ch = await conn.createChannel();
  const queue = unique('amqplib-pubsub');
  const ok = await ch.assertQueue(queue, { durable: false });
  checkEq(ok, { queue, messageCount: 0, consumerCount: 0 }, 'assertQueue reply');

  for (let i = 0; i < 3; i++) {
    ch.sendToQueue(queue, Buffer.from(`hello ${i}`), {
      contentType: 'text/plain', headers: { n: i }, persistent: true, messageId: `m${i}`, priority: 3,
    });
  }

  const got = [];
  const { consumerTag } = await ch.consume(queue, (msg) => got.push(msg), { noAck: false });
  check(consumerTag.startsWith('amq.ctag-'), `server-chosen consumer tag ${consumerTag}`);
  await until(() => got.length === 3, 'three deliveries');
  checkEq(got.map((m) => m.content.toString()), ['hello 0', 'hello 1', 'hello 2'], 'bodies in order');
  checkEq(got.map((m) => m.fields.deliveryTag), [1, 2, 3], 'delivery tags');
  const f = got[0].fields;
  checkEq([f.exchange, f.routingKey, f.redelivered, f.consumerTag], ['', queue, false, consumerTag], 'delivery fields');
  const p = got[0].properties;
  checkEq([p.contentType, p.headers, p.deliveryMode, p.messageId, p.priority],
    ['text/plain', { n: 0 }, 2, 'm0', 3], 'properties');

  ch.ack(got[0]);
  ch.nack(got[1], false, true); // requeue: comes back redelivered
  await until(() => got.length === 4, 'requeued message redelivered');
  checkEq([got[3].content.toString(), got[3].fields.redelivered, got[3].fields.deliveryTag],
    ['hello 1', true, 4], 'redelivery after nack(requeue)');
  ch.ackAll();

  await ch.cancel(consumerTag); // amqplib 0.10.9 resolves to undefined, not cancel-ok's fields
  const after = await ch.checkQueue(queue);
  checkEq([after.messageCount, after.consumerCount], [0, 0], 'queue empty and without consumers');
  checkEq(await ch.deleteQueue(queue), { messageCount: 0 }, 'delete-ok');
  await conn.close();
});
