#!/usr/bin/env python3
"""Sends N DNS A queries for NAME to SERVER (UDP port 53) one after another and prints the median
and the 90th percentile of the round trip in microseconds. Run inside a container's network
namespace (nsenter --net=...), so the path is the one a container's resolver takes."""
import socket
import struct
import sys
import time


def query(name, qid):
    header = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return header + labels + struct.pack(">HH", 1, 1)


def main():
    server, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    times = []
    for i in range(n + 50):
        q = query(name, i & 0xFFFF)
        start = time.perf_counter_ns()
        s.sendto(q, (server, 53))
        answer, _ = s.recvfrom(4096)
        elapsed = time.perf_counter_ns() - start
        rcode = answer[3] & 0x0F
        ancount = struct.unpack(">H", answer[6:8])[0]
        if rcode != 0 or ancount == 0:
            sys.exit("no answer for %s from %s (rcode %d)" % (name, server, rcode))
        if i >= 50:
            times.append(elapsed / 1000)
    times.sort()
    print("%.0f %.0f" % (times[len(times) // 2], times[int(len(times) * 0.9)]))


main()
