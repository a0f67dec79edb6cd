"""Tutorial six, RPC: a server on its own connection (thread), a client with an exclusive callback queue,
reply_to and correlation_id."""
import threading
import uuid

import pika

from interop import check, check_eq, connect, pump, unique

rpc_queue = unique("rpc_queue")
ready = threading.Event()
served = []


def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def server():
    connection = connect()
    channel = connection.channel()
    channel.queue_declare(queue=rpc_queue)
    channel.basic_qos(prefetch_count=1)

    def on_request(ch, method, props, body):
        n = int(body)
        served.append(n)
        ch.basic_publish(exchange='', routing_key=props.reply_to,
                         properties=pika.BasicProperties(correlation_id=props.correlation_id),
                         body=str(fib(n)))
        ch.basic_ack(delivery_tag=method.delivery_tag)
        if n < 0:
            ch.stop_consuming()

    channel.basic_consume(queue=rpc_queue, on_message_callback=on_request)
    ready.set()
    channel.start_consuming()
    channel.queue_delete(queue=rpc_queue)
    connection.close()


class FibonacciRpcClient:
    def __init__(self):
        self.connection = connect()
        self.channel = self.connection.channel()
        self.callback_queue = self.channel.queue_declare(queue='', exclusive=True).method.queue
        self.channel.basic_consume(queue=self.callback_queue, on_message_callback=self.on_response, auto_ack=True)
        self.responses = {}

    def on_response(self, ch, method, props, body):
        self.responses[props.correlation_id] = body

    def call(self, n):
        corr_id = str(uuid.uuid4())
        self.channel.basic_publish(exchange='', routing_key=rpc_queue,
                                   properties=pika.BasicProperties(reply_to=self.callback_queue,
                                                                   correlation_id=corr_id),
                                   body=str(n))
        pump([self.connection], lambda: corr_id in self.responses, "reply to fib(%d)" % n)
        return int(self.responses.pop(corr_id))


thread = threading.Thread(target=server, daemon=True)
thread.start()
check(ready.wait(10), "RPC server consuming")
client = FibonacciRpcClient()
check(client.callback_queue.startswith("amq.gen-"), "callback queue is server-named")
for n, want in [(0, 0), (1, 1), (10, 55), (30, 832040)]:
    check_eq(client.call(n), want, " [.] fib(%d)" % n)
check_eq(client.call(-1), 0, "stop request answered")
thread.join(10)
check(not thread.is_alive(), "RPC server stopped")
check_eq(served, [0, 1, 10, 30, -1], "requests served in order")
client.connection.close()
print("rpc done", flush=True)
