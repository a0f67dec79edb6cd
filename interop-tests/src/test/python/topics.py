"""Tutorial five, topics: '*' matches exactly one word, '#' zero or more."""
from interop import check_eq, connect, drain_get, unique

exchange = unique("topic_logs")
connection = connect()
channel = connection.channel()
channel.exchange_declare(exchange=exchange, exchange_type='topic')

bindings = {
    "q1": ["*.orange.*"],
    "q2": ["*.*.rabbit", "lazy.#"],
    "all": ["#"],
    "kern": ["kern.*.critical"],
}
queues = {}
for label, keys in bindings.items():
    queues[label] = channel.queue_declare(queue='', exclusive=True).method.queue
    for key in keys:
        channel.queue_bind(exchange=exchange, queue=queues[label], routing_key=key)

channel.confirm_delivery()
keys = ["quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox", "lazy.brown.fox",
        "lazy.pink.rabbit", "quick.brown.fox", "orange", "quick.orange.new.rabbit",
        "lazy.orange.new.rabbit", "lazy", "", "kern.disk.critical", "kern.critical", "kern.a.b.critical"]
for key in keys:
    channel.basic_publish(exchange=exchange, routing_key=key, body=key.encode())

expected = {
    "q1": [b"quick.orange.rabbit", b"lazy.orange.elephant", b"quick.orange.fox"],
    # lazy.pink.rabbit matches both of q2's bindings and is still delivered once
    "q2": [b"quick.orange.rabbit", b"lazy.orange.elephant", b"lazy.brown.fox", b"lazy.pink.rabbit",
           b"lazy.orange.new.rabbit", b"lazy"],
    "all": [k.encode() for k in keys],
    "kern": [b"kern.disk.critical"],
}
for label, want in expected.items():
    check_eq(drain_get(channel, queues[label]), want, "queue bound with %s" % bindings[label])

channel.exchange_delete(exchange=exchange)
connection.close()
print("topics done", flush=True)
