#!/usr/bin/env python3
"""A TCP proxy that holds every chunk for DELAY_MS / 2 in each direction: a link with DELAY_MS round-trip time.

For the benchmarks of a ledger on a server over a slow network (scripts/bench-postgres.sh). The usual tool,
`tc qdisc … netem delay` on a veth pair, needs the kernel's sch_netem module, which containers often lack; this does
the same in user space. Bench use only, never part of the product.

    delay-proxy.py LISTEN_PORT UPSTREAM DELAY_MS     (UPSTREAM: a Unix socket path, or host:port)

Prints "ready" once it listens. Chunks keep their order; a chunk is sent once its time has come, so a burst costs one
delay, not one per chunk (as on a real link).
"""

import socket
import sys
import threading
import time
from collections import deque


def connect(upstream):
    if ":" in upstream and not upstream.startswith("/"):
        host, port = upstream.rsplit(":", 1)
        s = socket.create_connection((host, int(port)))
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(upstream)
    return s


def pump(src, dst, delay):
    """Reads from src, sends to dst `delay` seconds after each chunk arrived."""
    queue = deque()
    ready = threading.Condition()
    done = [False]

    def reader():
        try:
            while True:
                data = src.recv(1 << 16)
                if not data:
                    break
                with ready:
                    queue.append((time.monotonic() + delay, data))
                    ready.notify()
        except OSError:
            pass
        with ready:
            done[0] = True
            ready.notify()

    def writer():
        try:
            while True:
                with ready:
                    while not queue and not done[0]:
                        ready.wait()
                    if not queue:
                        break
                    due, data = queue.popleft()
                # Sleep most of the wait, then spin: a sleep alone oversleeps by ~0.1 ms, a third of the delay.
                wait = due - time.monotonic()
                if wait > 0.0003:
                    time.sleep(wait - 0.0003)
                while time.monotonic() < due:
                    pass
                dst.sendall(data)
        except OSError:
            pass
        for s in (dst, src):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    threading.Thread(target=reader, daemon=True).start()
    threading.Thread(target=writer, daemon=True).start()


def main():
    port, upstream, delay_ms = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    one_way = delay_ms / 1000 / 2
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(64)
    print("ready", flush=True)
    while True:
        client, _ = server.accept()
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        up = connect(upstream)
        if up.family == socket.AF_INET:
            up.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pump(client, up, one_way)
        pump(up, client, one_way)


if __name__ == "__main__":
    main()
