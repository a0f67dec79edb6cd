"""Tutorial four, routing: a direct exchange, one queue with several bindings, unroutable messages returned."""
import pika
from pika.exceptions import UnroutableError

from interop import check, check_eq, connect, drain_get, unique

exchange = unique("direct_logs")
connection = connect()
channel = connection.channel()
channel.exchange_declare(exchange=exchange, exchange_type='direct')

errors_only = channel.queue_declare(queue='', exclusive=True).method.queue
everything = channel.queue_declare(queue='', exclusive=True).method.queue
channel.queue_bind(exchange=exchange, queue=errors_only, routing_key='error')
for severity in ('info', 'warning', 'error'):
    channel.queue_bind(exchange=exchange, queue=everything, routing_key=severity)

channel.confirm_delivery()
for severity in ('info', 'warning', 'error'):
    channel.basic_publish(exchange=exchange, routing_key=severity, body=("%s message" % severity).encode())

check_eq(drain_get(channel, errors_only), [b"error message"], "queue bound to 'error' only")
check_eq(drain_get(channel, everything), [b"info message", b"warning message", b"error message"],
         "queue bound to info, warning and error")

# No binding for 'debug': with mandatory set, the broker returns the message (312 NO_ROUTE).
try:
    channel.basic_publish(exchange=exchange, routing_key='debug', body=b"debug message", mandatory=True)
    check(False, "mandatory publish with no matching binding is returned")
except UnroutableError as e:
    returned = e.messages[0]
    check_eq(returned.method.reply_code, 312, "basic.return reply code")
    check_eq(returned.method.reply_text, "NO_ROUTE", "basic.return reply text")
    check_eq(returned.method.routing_key, "debug", "basic.return routing key")
    check_eq(returned.body, b"debug message", "basic.return body")

channel.queue_unbind(exchange=exchange, queue=everything, routing_key='info')
channel.basic_publish(exchange=exchange, routing_key='info', body=b"after unbind",
                      properties=pika.BasicProperties(content_type='text/plain'))
check_eq(drain_get(channel, everything), [], "unbound routing key no longer reaches the queue")

channel.exchange_delete(exchange=exchange)
connection.close()
print("routing done", flush=True)
