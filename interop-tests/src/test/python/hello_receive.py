"""RabbitMQ tutorial one, the consumer ("receive.py"): argv = URI QUEUE COUNT.

As in the tutorial, except that it stops consuming after COUNT messages (or fails after a deadline)
and deletes its queue, so the test is bounded and leaves nothing behind.
"""
import sys

import pika

from interop import DEADLINE_SECONDS, params

queue = sys.argv[2]
count = int(sys.argv[3])
received = []

connection = pika.BlockingConnection(params())
channel = connection.channel()
channel.queue_declare(queue=queue)


def consume(ch, method, properties, body):
    print(f"Received {body}", flush=True)
    received.append(body)
    if len(received) >= count:
        ch.stop_consuming()


def give_up():
    print(f"FAIL only {len(received)} of {count} messages within {DEADLINE_SECONDS}s", flush=True)
    channel.stop_consuming()


channel.basic_consume(queue=queue, auto_ack=True, on_message_callback=consume)
connection.call_later(DEADLINE_SECONDS, give_up)
print(" [*] Waiting for messages.", flush=True)
channel.start_consuming()
channel.queue_delete(queue=queue)
connection.close()
sys.exit(0 if len(received) >= count else 1)
