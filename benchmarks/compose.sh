#!/bin/bash
# A compose project's up and down, Berth's built-in compose beside docker-compose 1.29.2 (Debian's
# package, the only compose Debian ships) on dockerd 20.10 (Debian's docker.io), in the same run,
# alternating round by round (a warm-up round not counted):
#   `berth compose up -d` / `docker-compose up -d` until every container runs, then `down -v`.
# The project is the reference's 3-service one (docs: ../shared/reference/compose.md §4): web (busybox
# httpd with a health check, a bind, a named volume, a tmpfs and a port published on 127.0.0.1), a
# client and 3 workers, every container with an init; 5 containers, one network, one volume. Two
# variants: the client depends on web being started (`service_started`), or healthy
# (`service_healthy`, which waits for web's first passing check: interval 1 s).
# Conditions: as root, after `mvn package`; docker.io, docker-compose and python3 installed; no other
# engine's containers running. Both daemons run on private roots (beside-dockerd.sh); dockerd without
# its bridge and iptables (`--bridge=none --iptables=false`: the project's own network is a bridge it
# makes, its published port goes through docker-proxy). The image (busybox as bb:latest) is local to both.
# Usage: benchmarks/compose.sh [ROUNDS]
set -euo pipefail
rounds=${1:-5}
work=/var/tmp/berth-bench-compose
needs="docker-compose python3"
here=$(cd "$(dirname "$0")" && pwd)
source "$here/beside-dockerd.sh"
"$berth" tag busybox:latest bb:latest
docker_ tag busybox:latest bb:latest

project=$work/cmpres
mkdir -p "$project/www"
echo "hello from web" >"$project/www/index.html"
printf 'WEB_PORT=18080\nGREETING=hi-from-dotenv\n' >"$project/.env"
compose_file() { # CONDITION: the project with the client's depends_on condition
  sed "s/condition: service_healthy/condition: $1/" "$top/itests/src/test/resources/compose/cmpres.yml" \
    >"$project/docker-compose.yml"
}
ms() { # COMMAND...: milliseconds it took; its output discarded, a failure fatal
  local start
  start=$(now_ms)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@" >&2 || true; exit 1; }
  echo $(( $(now_ms) - start ))
}
b_compose() { (cd "$project" && "$berth" compose -p cmpres "$@"); }
d_compose() { (cd "$project" && DOCKER_HOST="unix://$work/docker.sock" docker-compose -p cmpres "$@"); }

echo "== compose up -d / down -v of the 5-container project, $rounds rounds ($(nproc) CPUs, $(uname -r)), medians in ms"
printf '| depends_on | engine | up -d | down -v | up ratio | down ratio |\n|---|---|---|---|---|---|\n'
for condition in service_started service_healthy; do
  compose_file "$condition"
  declare -A up=() down=()
  for round in $(seq 0 "$rounds"); do
    for engine in berth docker; do
      if [ "$engine" = berth ]; then u=$(ms b_compose up -d); d=$(ms b_compose down -v)
      else u=$(ms d_compose up -d); d=$(ms d_compose down -v); fi
      [ "$round" -eq 0 ] && continue
      up[$engine]="${up[$engine]:-} $u"; down[$engine]="${down[$engine]:-} $d"
    done
  done
  bu=$(echo ${up[berth]} | tr ' ' '\n' | median); bd=$(echo ${down[berth]} | tr ' ' '\n' | median)
  du=$(echo ${up[docker]} | tr ' ' '\n' | median); dd=$(echo ${down[docker]} | tr ' ' '\n' | median)
  printf '| %s | berth | %s | %s | %s | %s |\n' "$condition" "$bu" "$bd" "$(ratio "$bu" "$du")" "$(ratio "$bd" "$dd")"
  printf '| %s | docker-compose 1.29.2 | %s | %s | 1 | 1 |\n' "$condition" "$du" "$dd"
  echo "berth up: ${up[berth]}; down: ${down[berth]}" >&2
  echo "docker-compose up: ${up[docker]}; down: ${down[docker]}" >&2
  unset up down
done
