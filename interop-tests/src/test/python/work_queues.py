"""Tutorial two, work queues: a durable queue, persistent messages, prefetch 1, manual acks, fair dispatch.

Worker A takes one task and never acks it; with prefetch_count=1 the broker must not give it another,
so worker B (which acks at once) gets every other task.
"""
import pika
from pika.exceptions import ChannelClosedByBroker

from interop import check, check_eq, connect, pump, unique, vhost

TASKS = 6
queue = unique("task_queue")

producer = connect()
pch = producer.channel()
pch.queue_declare(queue=queue, durable=True)


class Worker:
    def __init__(self, name, acks):
        self.name = name
        self.acks = acks
        self.connection = connect()
        self.channel = self.connection.channel()
        self.channel.basic_qos(prefetch_count=1)
        self.deliveries = []
        self.channel.basic_consume(queue=queue, on_message_callback=self.on_message)

    def on_message(self, ch, method, properties, body):
        self.deliveries.append((method, properties, body))
        if self.acks:
            ch.basic_ack(delivery_tag=method.delivery_tag)


a = Worker("A", acks=False)
b = Worker("B", acks=True)

for i in range(TASKS):
    pch.basic_publish(exchange='', routing_key=queue, body=("task %d" % i).encode(),
                      properties=pika.BasicProperties(delivery_mode=pika.spec.PERSISTENT_DELIVERY_MODE))
print(" [x] Sent %d persistent tasks" % TASKS, flush=True)

pump([a.connection, b.connection], lambda: len(a.deliveries) + len(b.deliveries) == TASKS,
     "all %d tasks delivered" % TASKS)
# Give the broker a moment to (wrongly) push a second task to A before we count.
a.connection.process_data_events(time_limit=0.3)
check_eq(len(a.deliveries), 1, "worker A (holding an unacked task, prefetch 1) got exactly one task")
check_eq(len(b.deliveries), TASKS - 1, "worker B (acking) got all the other tasks")
bodies = sorted(d[2] for d in a.deliveries + b.deliveries)
check_eq(bodies, sorted(("task %d" % i).encode() for i in range(TASKS)), "every task delivered once")
check(all(d[1].delivery_mode == 2 for d in a.deliveries + b.deliveries), "every delivery keeps delivery_mode=2")
check(all(not d[0].redelivered for d in a.deliveries + b.deliveries), "no delivery is flagged redelivered")
tags_b = [d[0].delivery_tag for d in b.deliveries]
check_eq(tags_b, list(range(1, TASKS)), "worker B's delivery tags count up from 1 on its channel")

declared = pch.queue_declare(queue=queue, durable=True, passive=True)
check_eq(declared.method.message_count, 0, "ready messages while A still holds one unacked")
check_eq(declared.method.consumer_count, 2, "consumer count")

a.channel.basic_ack(delivery_tag=a.deliveries[0][0].delivery_tag)
a.connection.process_data_events(time_limit=0.1)

# The queue is durable: redeclaring it as transient is an inequivalent-argument error.
try:
    pch.queue_declare(queue=queue, durable=False)
    check(False, "redeclare with durable=False refused")
except ChannelClosedByBroker as e:
    check_eq(e.reply_code, 406, "reply code of an inequivalent redeclare")
    check_eq(e.reply_text, "PRECONDITION_FAILED - inequivalent arg 'durable' for queue '%s' in vhost '%s': "
             "received 'false' but current is 'true'" % (queue, vhost()), "reply text")

a.connection.close()
b.connection.close()
producer.channel().queue_delete(queue=queue)
producer.close()
print("work queues done", flush=True)
