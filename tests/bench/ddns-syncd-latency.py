#!/usr/bin/python3
"""Propagation latency of ddns-syncd, for tests/bench/ddns-syncd.sh (c).

usage: ddns-syncd-latency.py FROM TO COUNT [GAP_MS]

FROM and TO are control sockets (RUNDIR/ddns/control) of two nodes; Unix
sockets are files, reachable from here although the daemons run in other
network namespaces.  It subscribes on TO, then publishes COUNT records on
FROM, one at a time, GAP_MS (default 10) apart, through one connection.
Each `up` line is stamped as it is written, and again when its `+` line
comes out of the subscription, with one clock (time.perf_counter_ns) in one
process: no pipe, no shell and no second process is inside the figure.
At the end the records are withdrawn through the same connection.
With LATENCY_SAMPLES=FILE in the environment, each record's two times
(arrival, reply) go to FILE, one line each, in the order published.

Prints one line, times in milliseconds:
    N P50 P99 MAX REPLY_P50 REPLY_P99
where REPLY is the `up` -> `ok` round trip on FROM alone (the control
socket's share of the figure).  Exit 1 when something broke.

A subscription line is read by its first words only: `+ GWID ADDRESS`,
`- GWID`, `.`; words after those (a stamp) are ignored.
"""

import math
import os
import select
import socket
import sys
import time

TIMEOUT_NS = 10 * 10**9


def die(msg):
    print("ddns-syncd-latency: " + msg, file=sys.stderr)
    sys.exit(1)


class Lines:
    """Lines from a Unix stream socket, each with the time it was read."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.sock.connect(path)
        except OSError as e:
            die(f"unable to connect to {path}: {e.strerror}")
        self.sock.setblocking(False)
        self.buf = b""
        self.path = path

    def send(self, data):
        self.sock.setblocking(True)
        self.sock.sendall(data)
        self.sock.setblocking(False)

    def read(self):
        """What the socket holds now, as (stamp, words) lines."""
        out = []
        while True:
            try:
                chunk = self.sock.recv(65536)
            except BlockingIOError:
                break
            now = time.perf_counter_ns()
            if not chunk:
                die(f"{self.path}: closed by ddns-syncd")
            self.buf += chunk
            *whole, self.buf = self.buf.split(b"\n")
            out += [(now, w.decode().split()) for w in whole]
        return out


def wait(socks, deadline):
    left = (deadline - time.perf_counter_ns()) / 1e9
    if left <= 0:
        return []
    r, _, _ = select.select([s.sock for s in socks], [], [], left)
    return [s for s in socks if s.sock in r]


def subscribe(sub):
    sub.send(b"subscribe\n")
    deadline = time.perf_counter_ns() + TIMEOUT_NS
    while wait([sub], deadline):
        for _, w in sub.read():
            if w and w[0] == ".":
                return
    die("no end of snapshot on the subscription")


def percentile(v, q):
    """Nearest rank."""
    return v[max(0, math.ceil(q * len(v)) - 1)]


def main():
    if len(sys.argv) not in (4, 5):
        die("usage: ddns-syncd-latency.py FROM TO COUNT [GAP_MS]")
    count = int(sys.argv[3])
    gap = (float(sys.argv[4]) if len(sys.argv) == 5 else 10.0) / 1000
    sub = Lines(sys.argv[2])
    subscribe(sub)
    pub = Lines(sys.argv[1])
    prefix = f"lat{os.getpid()}-"
    lat, rtt = [], []
    for k in range(1, count + 1):
        label = f"{prefix}{k}"
        line = f"up {label} 192.0.2.{k % 250 + 1}\n".encode()
        t0 = time.perf_counter_ns()
        pub.send(line)
        deadline = t0 + TIMEOUT_NS
        arrived = replied = None
        while arrived is None or replied is None:
            ready = wait([pub, sub], deadline)
            if not ready:
                die(f"{label}: no reply or no arrival in 10 s")
            if sub in ready:
                for t, w in sub.read():
                    if len(w) >= 3 and w[0] == "+" and w[1] == label:
                        arrived = t
            if pub in ready:
                for t, w in pub.read():
                    if w and w[0] == "error:":
                        die(f"up {label}: {' '.join(w)}")
                    if w == ["ok"]:
                        replied = t
        lat.append((arrived - t0) / 1e6)
        rtt.append((replied - t0) / 1e6)
        time.sleep(gap)
    # withdrawn through the same connection, pipelined
    pub.send(b"".join(f"down {prefix}{k}\n".encode()
                      for k in range(1, count + 1)))
    done, deadline = 0, time.perf_counter_ns() + TIMEOUT_NS * 3
    while done < count:
        if not wait([pub], deadline):
            die("the latency records were not withdrawn")
        done += sum(1 for _, w in pub.read() if w and w[0] in ("ok", "error:"))
    dump = os.environ.get("LATENCY_SAMPLES")
    if dump:
        with open(dump, "w") as f:
            f.writelines(f"{a:.3f} {b:.3f}\n" for a, b in zip(lat, rtt))
    lat.sort()
    rtt.sort()
    print(f"{count} {percentile(lat, 0.5):.3f} {percentile(lat, 0.99):.3f} "
          f"{lat[-1]:.3f} {percentile(rtt, 0.5):.3f} "
          f"{percentile(rtt, 0.99):.3f}")


if __name__ == "__main__":
    main()
