#!/bin/bash
# What a container's network costs, Berth beside dockerd (Debian's docker.io 20.10: its bridge on a
# private bridge device, its iptables rules, its default userland proxy) and podman (Debian's 4.3.1:
# CNI plugins), in the same run:
#   1. `run --rm busybox true` with `--network bridge` and with `--network none`, six ways
#      alternating round by round (a warm-up round not counted); the cost of a network is the
#      difference of the medians.
#   2. 50 containers `sleep 300` started one after another on one user network (run -d): the total.
#   3. A name looked up from another container on that network: the round trip of 1000 A queries
#      (benchmarks/dns-latency.py run in the client container's network namespace): Berth's
#      server on the network's gateway, docker's 127.0.0.11. (Podman 4.3 with CNI has no name
#      server without the dnsname plugin, which Debian does not ship.)
#   4. TCP throughput host -> container through a published port on 127.0.0.1: 2 GiB sent by
#      python3 to busybox `nc -l` in the container (Berth: NAT; docker: docker-proxy).
# Conditions: as root, after `mvn package`; docker.io, podman, python3 and iptables installed; no
# other engine's containers running. The host's iptables ruleset is saved first and restored at
# exit (docker sets FORWARD's policy to DROP and leaves its chains), and the bridges the engines
# made are deleted: this changes the host's rules while it runs. Berth runs with its defaults
# (bridge berth0 on 10.66.0.0/16, chains BERTH-*); docker with bridge bbench0 on 172.30.0.0/16.
# Usage: benchmarks/network.sh [ROUNDS]
set -euo pipefail
rounds=${1:-20}
work=/var/tmp/berth-bench-network
needs="podman python3 iptables-save"
here=$(cd "$(dirname "$0")" && pwd)

iptables-save > /var/tmp/berth-bench-network.rules
links_before=$(ip -o link show type bridge | awk -F': ' '{print $2}' | sort)
ip link add bbench0 type bridge 2>/dev/null || true
ip addr add 172.30.0.1/16 dev bbench0 2>/dev/null || true
ip link set bbench0 up
restore_host() {
  podman_ rm -af >/dev/null 2>&1 || true
  podman_ network rm -f pbench >/dev/null 2>&1 || true
  iptables-restore < /var/tmp/berth-bench-network.rules
  for l in $(ip -o link show type bridge | awk -F': ' '{print $2}' | sort); do
    echo "$links_before" | grep -qx "$l" || ip link del "$l" 2>/dev/null || true
  done
  rm -f /var/tmp/berth-bench-network.rules
}
extra_cleanup=restore_host
dockerd_args="--bridge=bbench0 --iptables=true --ip-masq=true"
podman_() { podman --root "$work/podman-root" --runroot "$work/podman-run" --cgroup-manager cgroupfs \
  --events-backend file "$@"; }
# podman raises RLIMIT_NOFILE and RLIMIT_NPROC for its containers; on a host whose hard limits it
# cannot raise (no CAP_SYS_RESOURCE, as the machines these figures come from) crun refuses every
# container, whatever --ulimit says: podman is then left out, and said so.
podman_run() { podman_ run --ulimit "nofile=$(ulimit -Sn):$(ulimit -Hn)" "$@"; }
source "$here/beside-dockerd.sh"
podman_ load -i "$work/busybox.tar" >/dev/null
engines="berth docker podman"
if ! why=$(podman_run --rm --network none busybox true 2>&1); then
  echo "podman left out: it cannot run a container here: $why"
  engines="berth docker"
fi

one() { # ENGINE NETWORK: one run --rm busybox true, in milliseconds
  local start end
  start=$(now_ms)
  case $1 in
    berth) "$berth" run --rm --network "$2" busybox true ;;
    docker) docker_ run --rm --network "$2" busybox true ;;
    podman) podman_run --rm --network "$2" busybox true ;;
  esac
  end=$(now_ms)
  echo $((end - start))
}
declare -A ms
for round in $(seq 0 "$rounds"); do
  for e in $engines; do
    for n in none bridge; do
      t=$(one $e $n)
      [ "$round" -gt 0 ] && ms[$e-$n]+=" $t"
    done
  done
done
echo "== run --rm busybox true, $rounds rounds ($(nproc) CPUs, $(uname -r)), medians in ms"
printf '| engine | --network none | --network bridge | cost of the network |\n|---|---|---|---|\n'
for e in $engines; do
  none=$(echo ${ms[$e-none]} | tr ' ' '\n' | median)
  bridge=$(echo ${ms[$e-bridge]} | tr ' ' '\n' | median)
  printf '| %s | %s | %s | %s |\n' "$e" "$none" "$bridge" "$(python3 -c "print($bridge - $none)")"
done

echo "== 50 containers sleep 300 started with run -d on one user network (ms)"
"$berth" network create bbench >/dev/null
docker_ network create dbench >/dev/null
podman_ network create pbench >/dev/null
for e in $engines; do
  start=$(now_ms)
  for i in $(seq 1 50); do
    case $e in
      berth) "$berth" run -d --network bbench busybox sleep 300 >/dev/null ;;
      docker) docker_ run -d --network dbench busybox sleep 300 >/dev/null ;;
      podman) podman_run -d --network pbench busybox sleep 300 >/dev/null ;;
    esac
  done
  echo "$e: $(( $(now_ms) - start ))"
done
podman_ rm -af >/dev/null
docker_ rm -f $(docker_ ps -aq) >/dev/null

echo "== name lookup from another container on the network: median and p90 of 1000 queries (µs)"
"$berth" run -d --network bbench --name web busybox sleep 300 >/dev/null
"$berth" run -d --network bbench --name client busybox sleep 300 >/dev/null
docker_ run -d --network dbench --name web busybox sleep 300 >/dev/null
docker_ run -d --network dbench --name client busybox sleep 300 >/dev/null
berth_ns=$("$berth" inspect -f '{{.NetworkSettings.SandboxKey}}' client)
berth_gw=$("$berth" network inspect -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' bbench)
docker_pid=$(docker_ inspect -f '{{.State.Pid}}' client)
echo "berth: $(nsenter --net="$berth_ns" python3 "$here/dns-latency.py" "$berth_gw" web 1000)"
echo "docker: $(nsenter --net=/proc/$docker_pid/ns/net python3 "$here/dns-latency.py" 127.0.0.11 web 1000)"

echo "== TCP host -> container through a published port on 127.0.0.1, 2 GiB (MB/s)"
send='import socket,sys,time
s=socket.create_connection(("127.0.0.1",int(sys.argv[1])))
b=bytes(1<<20); t=time.perf_counter()
for _ in range(2048): s.sendall(b)
s.shutdown(socket.SHUT_WR); s.recv(1); s.close()
print("%.0f" % (2048*1.048576/(time.perf_counter()-t)))'
for e in berth docker; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])')
  if [ $e = berth ]; then
    "$berth" run -d --name "sink$port" -p "127.0.0.1:$port:5000" busybox sh -c 'nc -l -p 5000 >/dev/null' >/dev/null
  else
    docker_ run -d --name "sink$port" -p "127.0.0.1:$port:5000" busybox sh -c 'nc -l -p 5000 >/dev/null' >/dev/null
  fi
  sleep 1
  echo "$e: $(python3 -c "$send" "$port")"
done
