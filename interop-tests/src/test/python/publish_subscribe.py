"""Tutorial three, publish/subscribe: a fanout exchange, each subscriber on an exclusive server-named queue."""
import time

from pika.exceptions import ChannelClosedByBroker

from interop import check, check_eq, connect, pump, unique, vhost

exchange = unique("logs")
producer = connect()
pch = producer.channel()
pch.exchange_declare(exchange=exchange, exchange_type='fanout')


class Subscriber:
    def __init__(self):
        self.connection = connect()
        self.channel = self.connection.channel()
        result = self.channel.queue_declare(queue='', exclusive=True)
        self.queue = result.method.queue
        self.channel.queue_bind(exchange=exchange, queue=self.queue)
        self.bodies = []
        self.channel.basic_consume(queue=self.queue, auto_ack=True,
                                   on_message_callback=lambda ch, m, p, body: self.bodies.append(body))


subscribers = [Subscriber(), Subscriber()]
for s in subscribers:
    check(s.queue.startswith("amq.gen-"), "server-named queue %r starts with amq.gen-" % s.queue)
check(subscribers[0].queue != subscribers[1].queue, "the two server-named queues differ")

logs = [b"info: one", b"warning: two", b"error: three"]
for body in logs:
    pch.basic_publish(exchange=exchange, routing_key='', body=body)
pump([s.connection for s in subscribers], lambda: all(len(s.bodies) == len(logs) for s in subscribers),
     "every subscriber got every log line")
for i, s in enumerate(subscribers):
    check_eq(s.bodies, logs, "subscriber %d got every message, in order" % i)

# Exclusive: another connection may not use the queue.
other = pch
try:
    other.basic_consume(queue=subscribers[0].queue, on_message_callback=lambda *a: None)
    check(False, "consume from another connection's exclusive queue refused")
except ChannelClosedByBroker as e:
    check_eq(e.reply_code, 405, "reply code for another connection's exclusive queue")
    check_eq(e.reply_text, "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '%s' in vhost '%s'. "
             "It could be originally declared on another connection or the exclusive property value does not "
             "match that of the original declaration." % (subscribers[0].queue, vhost()), "reply text")

# An exclusive queue goes away with its connection (RabbitMQ deletes it just after close-ok, so poll).
gone = subscribers[0].queue
subscribers[0].connection.close()
deadline = time.monotonic() + 10
while True:
    try:
        producer.channel().queue_declare(queue=gone, passive=True)
    except ChannelClosedByBroker as e:
        check_eq(e.reply_code, 404, "passive declare of the closed subscriber's queue")
        break
    check(time.monotonic() < deadline, "exclusive queue deleted within 10 s of its connection closing")
    producer.process_data_events(time_limit=0.05)

subscribers[1].connection.close()
producer.channel().exchange_delete(exchange=exchange)
producer.close()
print("publish/subscribe done", flush=True)
