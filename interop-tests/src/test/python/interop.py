"""Shared helpers for the pika scripts PikaTest runs: argv[1] is the broker's AMQP URI.

Every script prints one line per check ("ok ..." / "FAIL ...") and exits non-zero on the first failure,
so the JUnit assertion message shows exactly what the broker did.
"""
import sys
import time
import uuid

import pika

DEADLINE_SECONDS = 15


def params():
    if len(sys.argv) < 2:
        sys.exit("usage: %s AMQP_URI [args...]" % sys.argv[0])
    p = pika.URLParameters(sys.argv[1])
    p.socket_timeout = 5
    p.blocked_connection_timeout = 10
    return p


def connect():
    return pika.BlockingConnection(params())


def vhost():
    return params().virtual_host


def unique(prefix):
    """A name no other test (or earlier run) uses."""
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        sys.exit(1)


def check_eq(actual, expected, what):
    check(actual == expected, "%s: expected %r, got %r" % (what, expected, actual))


def pump(connections, done, what, timeout=DEADLINE_SECONDS):
    """Runs the connections' I/O until done() is true; fails the script after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            check(False, "%s within %ss" % (what, timeout))
        for c in connections:
            c.process_data_events(time_limit=0.05)


def drain_get(channel, queue):
    """Every message body currently in queue, fetched with basic.get and acked."""
    bodies = []
    while True:
        method, _props, body = channel.basic_get(queue=queue, auto_ack=True)
        if method is None:
            return bodies
        bodies.append(body)
