"""RabbitMQ tutorial one, the publisher ("send.py"): argv = URI QUEUE MESSAGE..."""
import sys

import pika

from interop import params

queue = sys.argv[2]
connection = pika.BlockingConnection(params())
channel = connection.channel()
channel.queue_declare(queue=queue)


def publish(message):
    channel.basic_publish(exchange='', routing_key=queue, body=message)


for message in sys.argv[3:]:
    publish(message)
    print(f" [x] Sent '{message}'", flush=True)
connection.close()
