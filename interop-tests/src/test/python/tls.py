"""pika over TLS with a client certificate: argv = AMQP_URI(unused) HOST PORT CA CERT KEY."""
import ssl
import sys

import pika

from interop import check, check_eq, unique

host, port, ca, cert, key = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
context = ssl.create_default_context(cafile=ca)
context.load_cert_chain(cert, key)
params = pika.ConnectionParameters(host=host, port=port, credentials=pika.PlainCredentials('guest', 'guest'),
                                   ssl_options=pika.SSLOptions(context, 'localhost'))
connection = pika.BlockingConnection(params)
channel = connection.channel()
queue = unique("tls")
channel.queue_declare(queue=queue, auto_delete=True)
channel.confirm_delivery()
channel.basic_publish(exchange='', routing_key=queue, body=b'over tls')
method, _, body = channel.basic_get(queue=queue, auto_ack=True)
check_eq(body, b'over tls', "a message through a TLS connection")
connection.close()
check(True, "pika closed its TLS connection")
