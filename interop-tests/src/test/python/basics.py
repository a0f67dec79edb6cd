"""basic.get, reject and nack with and without requeue; a channel error leaves the connection usable."""
import pika
from pika.exceptions import ChannelClosedByBroker

from interop import check, check_eq, connect, pump, unique, vhost

connection = connect()
channel = connection.channel()
queue = unique("basics")
channel.queue_declare(queue=queue)

method, props, body = channel.basic_get(queue=queue)
check(method is None and props is None and body is None, "basic_get on an empty queue is get-empty")

channel.confirm_delivery()
for i in range(3):
    channel.basic_publish(exchange='', routing_key=queue, body=("m%d" % i).encode(),
                          properties=pika.BasicProperties(content_type='text/plain', headers={'n': i},
                                                          message_id="id-%d" % i))

method, props, body = channel.basic_get(queue=queue)
check_eq(body, b"m0", "first basic_get body")
check_eq(method.message_count, 2, "message_count after the first get")
check_eq(method.redelivered, False, "first get is not redelivered")
check_eq((props.content_type, props.headers, props.message_id), ('text/plain', {'n': 0}, 'id-0'),
         "properties survive the round trip")

channel.basic_reject(delivery_tag=method.delivery_tag, requeue=True)
method, props, body = channel.basic_get(queue=queue)
check_eq((body, method.redelivered), (b"m0", True), "rejected with requeue comes back first, redelivered")

channel.basic_nack(delivery_tag=method.delivery_tag, requeue=False)
method, _, body = channel.basic_get(queue=queue)
check_eq((body, method.message_count), (b"m1", 1), "nack without requeue dropped m0")

second, _, body2 = channel.basic_get(queue=queue)
check_eq(body2, b"m2", "second outstanding get")
channel.basic_nack(delivery_tag=second.delivery_tag, multiple=True, requeue=True)
# basic.nack has no reply, and RabbitMQ requeues asynchronously: poll with basic.get until it shows.
requeued = []
pump([connection], lambda: requeued.append(channel.basic_get(queue=queue)) or requeued[-1][0] is not None,
     "the nacked messages back in the queue")
method, _, body = requeued[-1]
check_eq((body, method.redelivered, method.message_count), (b"m1", True, 1),
         "nack multiple requeued both, in their original order")
channel.basic_ack(delivery_tag=method.delivery_tag)  # m2 stays ready; nothing is unacked from here

missing = unique("no-such-queue")
try:
    channel.queue_declare(queue=missing, passive=True)
    check(False, "passive declare of a missing queue fails")
except ChannelClosedByBroker as e:
    check_eq(e.reply_code, 404, "reply code")
    check_eq(e.reply_text, "NOT_FOUND - no queue '%s' in vhost '%s'" % (missing, vhost()), "reply text")
check(channel.is_closed, "the channel is closed")
check(connection.is_open, "the connection stays open")

fresh = connection.channel()
fresh.confirm_delivery()
fresh.basic_publish(exchange='', routing_key=queue, body=b"after the error")
got = []
pump([connection], lambda: got.append(fresh.basic_get(queue=queue, auto_ack=True)[2]) or len(
    [b for b in got if b is not None]) == 2, "two messages on a new channel")
check_eq([b for b in got if b is not None], [b"m2", b"after the error"],
         "a new channel on the same connection works")
fresh.queue_delete(queue=queue)
connection.close()
print("basics done", flush=True)
