"""A priority queue and consumer priorities through pika, as RabbitMQ orders and delivers them."""
import pika
from pika.exceptions import ChannelClosedByBroker

from interop import check, check_eq, connect, unique, vhost

connection = connect()
channel = connection.channel()
queue = unique("pika-prio")
channel.queue_declare(queue=queue, arguments={'x-max-priority': 4})
channel.confirm_delivery()
for body, priority in [("none", None), ("high", 200), ("two", 2), ("four", 4), ("zero", 0)]:
    channel.basic_publish(exchange='', routing_key=queue, body=body.encode(),
                          properties=pika.BasicProperties(priority=priority))
got = []
while True:
    method, props, body = channel.basic_get(queue=queue, auto_ack=True)
    if method is None:
        break
    got.append((body.decode(), props.priority))
check_eq(got, [("high", 200), ("four", 4), ("two", 2), ("none", None), ("zero", 0)],
         "highest first, capped at x-max-priority for ordering only, FIFO within a priority")

try:
    channel.basic_consume(queue=queue, on_message_callback=lambda *a: None, arguments={'x-priority': 'top'})
    check(False, "a non-integer x-priority is refused")
except ChannelClosedByBroker as e:
    check_eq((e.reply_code, e.reply_text),
             (406, "PRECONDITION_FAILED - invalid arg 'x-priority' for queue '%s' in vhost '%s': "
                   "\"expected integer, got longstr\"" % (queue, vhost())),
             "a non-integer x-priority is refused as RabbitMQ refuses it")

channel = connection.channel()
channel.queue_delete(queue=queue)
connection.close()
print("priorities done", flush=True)
