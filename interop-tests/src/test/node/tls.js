'use strict';
// amqplib over TLS with a client certificate: argv = AMQP_URI(unused) AMQPS_URI CA CERT KEY.
const fs = require('fs');
const amqp = require('amqplib');
const { check } = require('./interop');

(async () => {
  const [, , , url, ca, cert, key] = process.argv;
  const conn = await amqp.connect(url, {
    ca: [fs.readFileSync(ca)], cert: fs.readFileSync(cert), key: fs.readFileSync(key), servername: 'localhost',
  });
  const ch = await conn.createConfirmChannel();
  const q = (await ch.assertQueue('', { exclusive: true })).queue;
  await new Promise((resolve, reject) => ch.sendToQueue(q, Buffer.from('over tls'), {}, (e) => (e ? reject(e) : resolve())));
  const msg = await ch.get(q, { noAck: true });
  check(msg && msg.content.toString() === 'over tls', 'a message through a TLS connection');
  await conn.close();
  check(true, 'amqplib closed its TLS connection');
})().catch((e) => { console.log('FAIL ' + e.stack); process.exit(1); });
