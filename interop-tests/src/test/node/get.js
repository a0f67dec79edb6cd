'use strict';
// basic.get: get-empty as false, message_count, ack and reject(requeue).
const amqp = require('amqplib');
const { uri, unique, check, checkEq, main } = require('./interop');

main(async () => {
  const conn = await amqp.connect(uri());
  const ch = await conn.createChannel();
  const queue = unique('amqplib-get');
  await ch.assertQueue(queue, { exclusive: true });

  checkEq(await ch.get(queue), false, 'get on an empty queue');
  ch.sendToQueue(queue, Buffer.from('first'), { correlationId: 'c1', replyTo: 'r1', expiration: '60000' });
  ch.sendToQueue(queue, Buffer.from('second'));
  await ch.checkQueue(queue); // round trip: both publishes processed

  const m1 = await ch.get(queue, { noAck: false });
  check(m1 !== false, 'a message');
  checkEq([m1.content.toString(), m1.fields.messageCount, m1.fields.redelivered, m1.fields.routingKey],
    ['first', 1, false, queue], 'first get');
  checkEq([m1.properties.correlationId, m1.properties.replyTo, m1.properties.expiration],
    ['c1', 'r1', '60000'], 'properties');
  ch.reject(m1, true);
  const again = await ch.get(queue, { noAck: false });
  checkEq([again.content.toString(), again.fields.redelivered, again.fields.messageCount],
    ['first', true, 1], 'rejected message back at the head, redelivered');
  ch.ack(again);
  const m2 = await ch.get(queue, { noAck: true });
  checkEq([m2.content.toString(), m2.fields.messageCount], ['second', 0], 'second get');
  checkEq(await ch.get(queue), false, 'empty again');
  await conn.close();
});
