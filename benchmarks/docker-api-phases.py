#!/usr/bin/env python3
"""Where the time of `docker run --rm busybox true` goes on a Docker API socket, server side.

Does what the docker CLI does for `run --rm` (ping, create with AutoRemove, attach hijacked,
wait?condition=removed with its headers read, start, the wait's answer) with a client of no cost,
and times each step; then times plain requests (`/_ping`, `/version`, `/containers/json`), each
on a new connection. Medians of ROUNDS (round 0, a warm-up, not counted), in ms.
Conditions: a daemon serving SOCKET with busybox:latest loaded; nothing else running on it.
Usage: benchmarks/docker-api-phases.py SOCKET [ROUNDS]      (default 20)
"""
import json
import socket
import statistics
import sys
import time

path = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20


class Connection:
    def __init__(self):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.buf = b''

    def send(self, method, url, body=None, upgrade=False):
        data = json.dumps(body).encode() if body is not None else b''
        head = f"{method} {url} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        if upgrade:
            head += "Connection: Upgrade\r\nUpgrade: tcp\r\n"
        self.s.sendall(head.encode() + b"\r\n" + data)

    def fill(self, until):
        while until not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("connection closed before " + repr(until))
            self.buf += chunk

    def head(self):
        self.fill(b'\r\n\r\n')
        head, _, self.buf = self.buf.partition(b'\r\n\r\n')
        lines = head.decode().split('\r\n')
        return lines[0], {l.split(':', 1)[0].lower(): l.split(':', 1)[1].strip() for l in lines[1:]}

    def response(self):
        status, headers = self.head()
        n = int(headers.get('content-length', '0'))
        while len(self.buf) < n:
            self.buf += self.s.recv(65536)
        body, self.buf = self.buf[:n], self.buf[n:]
        return status, body

    def close(self):
        self.s.close()


def run_once():
    marks = [('begin', time.perf_counter())]
    mark = lambda name: marks.append((name, time.perf_counter()))
    c = Connection()
    c.send('GET', '/_ping')
    c.response()
    mark('ping')
    c.send('POST', '/v1.41/containers/create', {"Image": "busybox", "Cmd": ["true"], "AttachStdout": True,
                                                 "AttachStderr": True,
                                                 "HostConfig": {"AutoRemove": True, "NetworkMode": "none"}})
    status, body = c.response()
    if not status.startswith('HTTP/1.1 201'):
        raise SystemExit('create: ' + status + ' ' + body.decode())
    cid = json.loads(body)["Id"]
    mark('create')
    a = Connection()
    a.send('POST', f'/v1.41/containers/{cid}/attach?stream=1&stdout=1&stderr=1', upgrade=True)
    a.head()
    mark('attach')
    w = Connection()
    w.send('POST', f'/v1.41/containers/{cid}/wait?condition=removed')
    w.head()
    mark('wait')
    c.send('POST', f'/v1.41/containers/{cid}/start')
    c.response()
    mark('start')
    w.fill(b'StatusCode')
    mark('removed')
    for x in (a, w, c):
        x.close()
    return [(name, (t - marks[i][1]) * 1000) for i, (name, t) in enumerate(marks[1:])] + \
           [('total', (marks[-1][1] - marks[0][1]) * 1000)]


def plain(url):
    c = Connection()
    start = time.perf_counter()
    c.send('GET', url)
    c.response()
    c.close()
    return (time.perf_counter() - start) * 1000


times = {}
for r in range(rounds + 1):
    for name, ms in run_once():
        if r > 0:
            times.setdefault(name, []).append(ms)
print('`run --rm busybox true`, server side (median ms): ' +
      ', '.join(f'{n} {statistics.median(v):.1f}' for n, v in times.items()))
for url in ('/_ping', '/v1.41/version', '/v1.41/containers/json'):
    plain(url)
    print(f'GET {url} on a new connection: median {statistics.median(plain(url) for _ in range(rounds)):.2f} ms')
