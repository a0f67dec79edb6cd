'use strict';
// Topic routing through amqplib: '*' one word, '#' zero or more, duplicate matches delivered once.
const amqp = require('amqplib');
const { uri, unique, checkEq, main } = require('./interop');

async function drain(ch, queue) {
  const bodies = [];
  for (;;) {
    const msg = await ch.get(queue, { noAck: true });
    if (msg === false) return bodies;
    bodies.push(msg.content.toString());
  }
}

main(async () => {
  const conn = await amqp.connect(uri());
  const ch = await conn.createConfirmChannel();
  const exchange = unique('amqplib-topic');
  await ch.assertExchange(exchange, 'topic', { durable: false, autoDelete: false });
  const bindings = { q1: ['*.orange.*'], q2: ['*.*.rabbit', 'lazy.#'], none: ['a.b'] };
  const queues = {};
  for (const [label, keys] of Object.entries(bindings)) {
    queues[label] = (await ch.assertQueue('', { exclusive: true })).queue;
    for (const key of keys) await ch.bindQueue(queues[label], exchange, key);
  }
  const keys = ['quick.orange.rabbit', 'lazy.orange.elephant', 'quick.orange.fox', 'lazy.brown.fox',
    'lazy.pink.rabbit', 'quick.brown.fox', 'quick.orange.new.rabbit', 'lazy.orange.new.rabbit', 'lazy'];
  for (const key of keys) ch.publish(exchange, key, Buffer.from(key));
  await ch.waitForConfirms();

  checkEq(await drain(ch, queues.q1), ['quick.orange.rabbit', 'lazy.orange.elephant', 'quick.orange.fox'],
    'queue bound *.orange.*');
  checkEq(await drain(ch, queues.q2), ['quick.orange.rabbit', 'lazy.orange.elephant', 'lazy.brown.fox',
    'lazy.pink.rabbit', 'lazy.orange.new.rabbit', 'lazy'], 'queue bound *.*.rabbit and lazy.#');
  checkEq(await drain(ch, queues.none), [], 'queue bound a.b');

  await ch.unbindQueue(queues.q1, exchange, '*.orange.*');
  ch.publish(exchange, 'quick.orange.fox', Buffer.from('after unbind'));
  await ch.waitForConfirms();
  checkEq(await drain(ch, queues.q1), [], 'no delivery after unbind');
  await ch.deleteExchange(exchange);
  await conn.close();
});
