#!/usr/bin/env python3
"""Hostile clients against a running `kenning serve` (issue 14): slow
connections that never finish their request head, and a flood of large
wikify requests. Loopback only; every loop is bounded in count and time.

  python3 bench/hostile_serve.py slow  PORT [CONNECTIONS] [SECONDS]
  python3 bench/hostile_serve.py flood PORT PID [REQUESTS] [MEGABYTES]

`slow` opens CONNECTIONS connections that send `GET / HTTP/1.1` and one
header, then nothing; meanwhile it asks /healthz once a second on a fresh
connection (5 s timeout) for SECONDS seconds. It prints one JSON line: the
health checks that failed, the slowest one, and how many slow connections
the server had closed by the end.

`flood` sends REQUESTS wikify requests of MEGABYTES of text each, all at
once, and prints one JSON line: the answers by status and the server's
peak resident memory (VmHWM of PID) before and after.
"""

import json
import resource
import socket
import sys
import threading
import time


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def read_all(sock):
    answer = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return answer
        answer += chunk


def health(port, timeout=5.0):
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = read_all(s)
        ok = answer.startswith(b"HTTP/1.1 200")
    except OSError:
        ok = False
    return ok, time.monotonic() - started


def slow(port, connections=1000, seconds=20):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, connections + 256), hard))
    socks = []
    for _ in range(connections):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            s.setblocking(False)
            socks.append(s)
        except OSError:
            break
    failed, slowest, checks = 0, 0.0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ok, took = health(port)
        checks += 1
        failed += 0 if ok else 1
        slowest = max(slowest, took)
        time.sleep(max(0.0, 1.0 - took))
    closed = 0
    for s in socks:
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    print(json.dumps({
        "slow_connections": len(socks),
        "health_checks": checks,
        "health_failed": failed,
        "health_slowest_s": round(slowest, 3),
        "slow_closed_by_server": closed,
    }))


def flood(port, pid, requests=64, megabytes=1):
    text = ("The ferry crosses the lake to the island near the town. " * 20000)
    text = text[: megabytes * 1_000_000 - 1000]
    body = json.dumps({"text": text}).encode()
    head = (f"POST /api/v1/wikify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    before = vm_hwm_kib(pid)
    statuses = {}
    lock = threading.Lock()
    start = threading.Barrier(requests)

    def one():
        status = "error"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
                start.wait(timeout=30)
                s.sendall(head + body)
                answer = read_all(s)
                status = answer.split(b" ", 2)[1].decode() if answer else "closed"
        except (OSError, threading.BrokenBarrierError):
            pass
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=one) for _ in range(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    print(json.dumps({
        "requests": requests,
        "megabytes_each": megabytes,
        "statuses": statuses,
        "server_peak_rss_mib_before": round(before / 1024, 1),
        "server_peak_rss_mib_after": round(vm_hwm_kib(pid) / 1024, 1),
    }))


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "slow":
        slow(int(sys.argv[2]), *(int(a) for a in sys.argv[3:5]))
    elif what == "flood":
        flood(int(sys.argv[2]), int(sys.argv[3]), *(int(a) for a in sys.argv[4:6]))
    else:
        sys.exit(f"unknown command {what!r}: slow or flood")
