'use strict';
// Publisher confirms: every publish confirmed, waitForConfirms resolves, messages really are queued.
const amqp = require('amqplib');
const { uri, unique, check, checkEq, main } = require('./interop');

main(async () => {
  const conn = await amqp.connect(uri());
  const ch = await conn.createConfirmChannel();
  const queue = unique('amqplib-confirm');
  await ch.assertQueue(queue, { exclusive: true });

  const N = 100;
  const acked = [];
  for (let i = 0; i < N; i++) {
    ch.sendToQueue(queue, Buffer.from(String(i)), {}, (err) => acked.push(err));
  }
  await ch.waitForConfirms();
  checkEq(acked.length, N, 'a confirm callback per publish');
  check(acked.every((e) => e === null || e === undefined), 'every publish acked (no nack)');
  checkEq((await ch.checkQueue(queue)).messageCount, N, 'all confirmed messages are in the queue');

  // Unroutable, not mandatory: still confirmed (ack), and dropped.
  let unroutable = 'pending';
  ch.publish('amq.direct', unique('nobody'), Buffer.from('x'), {}, (err) => { unroutable = err; });
  await ch.waitForConfirms();
  check(unroutable === null || unroutable === undefined, 'an unroutable publish is acked');
  await conn.close();
});
