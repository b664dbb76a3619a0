#!/bin/bash
# Platform figures, Berth beside dockerd (Debian's docker.io) in the same run, each start condition
# stated:
#  - daemon start until its socket answers `version` (Berth's launcher answers it before the framework
#    starts; also until `ps` answers, the whole engine started), medians of RUNS with min-max, the two
#    daemons alternating:
#      first:   the distribution's first start ever (no class-data archive yet: this start records
#               lib/berth.jsa), fresh roots; dockerd on fresh roots. One sample (it happens once).
#      boot:    a start with the archive, on fresh roots: the first start after the host started
#               (the run root is a tmpfs, so the framework's cache is built again).
#      restart: a start with the archive on the roots of the previous start (the framework's cache
#               reused), as a daemon restart; dockerd on its previous roots.
#  - one client command round trip (hyperfine: `bin/berth version` vs `docker version`), once the
#    whole engine has started (Berth's shell answering),
#  - idle resident memory 10 s after that (dockerd counted with its containerd),
#    and Berth's Native Memory Tracking summary in a separate start (NMT costs memory itself),
#  - the floors under that memory, each idle with the daemon's JVM options: a JVM that sleeps, the
#    OSGi platform without Berth's bundles, and that platform with Jackson and jnr-ffi in use.
# Nothing else runs before a sample but the previous sample. The copy of the distribution it
# starts is its own (under /tmp), so the archive it records is not the build's.
# Usage: benchmarks/platform.sh [RUNS]   (after `mvn package`; needs root, hyperfine, docker.io)
set -euo pipefail
runs=${1:-10}
top=$(cd "$(dirname "$0")/.." && pwd)
built=$(ls -d "$top"/distribution/target/berth-*/ | head -1)
work=$(mktemp -d /tmp/berth-bench.XXXXXX)
berth_home=$work/berth
cp -a "${built%/}" "$berth_home"
rm -f "$berth_home/lib/berth.jsa"
berth_pid=""; docker_pid=""
cleanup() {
  [ -n "$berth_pid" ] && kill "$berth_pid" 2>/dev/null && wait "$berth_pid" 2>/dev/null || true
  [ -n "$docker_pid" ] && kill "$docker_pid" 2>/dev/null && wait "$docker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for tool in hyperfine dockerd docker jcmd; do
  command -v $tool >/dev/null || { echo "$tool is missing (apt-get install hyperfine docker.io openjdk-17-jdk-headless)" >&2; exit 1; }
done

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
stats() { sort -n | awk '{a[NR]=$1} END {m=(NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); printf "%s ms (%s–%s)", m, a[1], a[NR]}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

export BERTH_HOST="unix://$work/berth-run/berth.sock"
start_berth() {
  "$berth_home/bin/berth" daemon --root "$work/berth-root" --run-root "$work/berth-run" >/dev/null 2>&1 &
  berth_pid=$!
}
start_docker() {
  dockerd --data-root "$work/docker-root" --exec-root "$work/docker-exec" -H "unix://$work/docker.sock" \
    --pidfile "$work/docker.pid" --iptables=false --bridge=none >"$work/dockerd.log" 2>&1 &
  docker_pid=$!
}
stop_berth() { kill "$berth_pid"; wait "$berth_pid" || true; berth_pid=""; }
stop_docker() { kill "$docker_pid"; wait "$docker_pid" || true; docker_pid=""; }
fresh() { rm -rf "$work/berth-root" "$work/berth-run" "$work/docker-root" "$work/docker-exec"; }

# One start of each: prints "VERSION_MS ENGINE_MS DOCKER_MS".
sample() {
  local t0 v e d
  t0=$(now_ms); start_berth
  until "$berth_home/bin/berth" version >/dev/null 2>&1; do sleep 0.005; done
  v=$(( $(now_ms) - t0 ))
  "$berth_home/bin/berth" ps >/dev/null
  e=$(( $(now_ms) - t0 )); stop_berth
  t0=$(now_ms); start_docker
  until docker -H "unix://$work/docker.sock" version >/dev/null 2>&1; do sleep 0.005; done
  d=$(( $(now_ms) - t0 )); stop_docker
  echo "$v $e $d"
}

fresh; read -r first_v first_e first_d < <(sample)
boot_v=(); boot_e=(); boot_d=()
for i in $(seq 1 "$runs"); do
  fresh; read -r v e d < <(sample); boot_v+=("$v"); boot_e+=("$e"); boot_d+=("$d")
done
restart_v=(); restart_e=(); restart_d=()
for i in $(seq 1 "$runs"); do
  read -r v e d < <(sample); restart_v+=("$v"); restart_e+=("$e"); restart_d+=("$d")
done

start_berth; start_docker
# The round trip and the idle memory once the whole engine has started (before, the launcher answers
# version itself while the framework starts).
until "$berth_home/bin/berth" ps >/dev/null 2>&1; do sleep 0.01; done
until docker -H "unix://$work/docker.sock" version >/dev/null 2>&1; do sleep 0.01; done
hyperfine -N --warmup 10 --runs 200 --export-json "$work/rt.json" \
  "$berth_home/bin/berth version" "docker -H unix://$work/docker.sock version" >/dev/null
read -r berth_rt docker_rt < <(python3 -c "import json;r=json.load(open('$work/rt.json'))['results'];print(' '.join('%.1f'%(x['mean']*1000) for x in r))")
sleep 10
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
# Of the resident memory: anonymous (the process's own) and file-backed (mapped files: the JVM's
# library and the class-data archives; clean pages, shared with any other process mapping them).
split_rss() { awk '/^RssAnon/ {a=$2} /^RssFile/ {f=$2} END {printf "%d MB anonymous + %d MB file-backed", a/1024, f/1024}' "/proc/$1/status"; }
berth_rss=$(( $(rss "$berth_pid") / 1024 ))
berth_split=$(split_rss "$berth_pid")
berth_files=$(awk '/^[0-9a-f]+-[0-9a-f]+ / {name=$6} /^Rss:/ {if (name ~ /\.(so|jsa)/) r[name]+=$2} END {for (n in r) if (r[n] > 1024) {k=n; sub(/.*\//, "", k); printf "%s %d MB, ", k, r[n]/1024}}' "/proc/$berth_pid/smaps")
containerd_pid=$(pgrep -P "$docker_pid" containerd || true)
docker_kb=$(rss "$docker_pid")
[ -n "$containerd_pid" ] && docker_kb=$(( docker_kb + $(rss "$containerd_pid") ))
docker_rss=$(( docker_kb / 1024 ))
stop_berth; stop_docker

BERTH_JAVA_OPTS="-XX:NativeMemoryTracking=summary" start_berth
until "$berth_home/bin/berth" ps >/dev/null 2>&1; do sleep 0.01; done
sleep 10
nmt_rss=$(( $(rss "$berth_pid") / 1024 ))
nmt=$(jcmd "$berth_pid" VM.native_memory summary scale=MB | awk '/^-/ {sub(/^- */,""); name=$0; sub(/ *\(.*/,"",name); if (match($0,/committed=[0-9]+MB/)) {c=substr($0,RSTART+10,RLENGTH-12); if (c>0) printf "%s %s MB, ", name, c}}')
threads=$(ls "/proc/$berth_pid/task" | wc -l)
stop_berth

# The floors under Berth's idle RSS, with the daemon's own JVM options, 10 s idle each: a JVM that
# only sleeps, and the OSGi platform Berth runs in without Berth (the launcher, Felix, and the
# distribution's other third-party bundles: SCR, ConfigAdmin, FileInstall, EventAdmin, Gogo and
# JLine, with Gogo's JLine shell left stopped as in any daemon; not Jackson, SnakeYAML or zstd-jni,
# which only Berth's bundles use), started twice so that the second start maps its own class-data
# archive and reuses its framework cache, as a restart.
eval "$(grep -E '^opts=' "$berth_home/libexec/berth-daemon")"
printf 'public class Idle { public static void main(String[] a) throws Exception { Thread.sleep(60000); } }\n' > "$work/Idle.java"
javac -d "$work" "$work/Idle.java"
# shellcheck disable=SC2086
java $opts -cp "$work" Idle & floor_pid=$!
sleep 10; jvm_rss=$(( $(rss "$floor_pid") / 1024 )); kill "$floor_pid"; wait "$floor_pid" 2>/dev/null || true
platform_home=$work/platform
cp -a "$berth_home" "$platform_home"; rm -f "$platform_home"/lib/berth.jsa*
grep -E '^bundle/(org\.osgi|org\.apache\.felix|jline)' "$berth_home/conf/startup.properties" > "$platform_home/conf/startup.properties"
platform_bundles=$(wc -l < "$platform_home/conf/startup.properties")
# Starts the platform's copy twice; after each start and 10 s idle, sets floor_rss and runs CHECK
# (which may exit: the trap stops the daemon).
idle_platform() { # CHECK
  for i in 1 2; do
    rm -rf "$work/platform-root"
    "$platform_home/bin/berth" daemon --root "$work/platform-root" --run-root "$work/platform-run" >"$work/platform.log" 2>&1 & berth_pid=$!
    until BERTH_HOST="unix://$work/platform-run/berth.sock" "$platform_home/bin/berth" version >/dev/null 2>&1; do sleep 0.01; done
    sleep 10; floor_rss=$(( $(rss "$berth_pid") / 1024 ))
    "$1"
    stop_berth
  done
}
idle_platform true; platform_rss=$floor_rss

# A third floor: the platform with Jackson and jnr-ffi, of what DESIGN.md fixes, in use, still
# without the engine: Jackson (a probe bundle writes a record and reads it back at its start, as the engine's
# stores do) and jnr-ffi (Berth's libc bundle binding libc at its start, with the API bundle it
# imports). Started twice as above.
probe=$work/probe
mkdir -p "$probe/src/probe" "$probe/classes"
cat > "$probe/src/probe/Activator.java" <<'JAVA'
package probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

public class Activator implements BundleActivator {
    public record Entry(String id, long created, List<String> args, Map<String, String> labels) {}

    @Override
    public void start(BundleContext context) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        byte[] json = mapper.writeValueAsBytes(new Entry("x", 1L, List.of("sleep", "300"), Map.of("a", "b")));
        if (!mapper.readValue(json, Entry.class).id().equals("x")) {
            throw new IllegalStateException("Jackson did not read back what it wrote");
        }
        java.nio.file.Files.createFile(context.getDataFile("started").toPath());
    }

    @Override
    public void stop(BundleContext context) {
    }
}
JAVA
javac --release 17 -d "$probe/classes" -cp "$(ls "$berth_home"/lib/org.apache.felix.framework-*.jar "$berth_home"/bundle/jackson-{databind,core,annotations}-*.jar | paste -sd:)" \
  "$probe/src/probe/Activator.java"
printf 'Bundle-ManifestVersion: 2\nBundle-SymbolicName: probe.jackson\nBundle-Version: 1.0.0\nBundle-Activator: probe.Activator\nImport-Package: com.fasterxml.jackson.databind,org.osgi.framework\n' > "$probe/MANIFEST.MF"
rm -f "$platform_home"/lib/berth.jsa*
jar cfm "$platform_home/bundle/probe-jackson.jar" "$probe/MANIFEST.MF" -C "$probe/classes" .
{ grep -E '^bundle/(jackson-(annotations|core|databind)|berth-api|berth-libc)-' "$berth_home/conf/startup.properties"
  echo "bundle/probe-jackson.jar = 50"; } >> "$platform_home/conf/startup.properties"
# Both libraries must be in use, or the figure is another floor: the probe leaves a file in its
# bundle's data area after its round trip (removed for the next start), and the libc bundle's
# binding maps jffi's native stub (a failed binding is only reported to the binding's first caller).
both_in_use() {
  fixed_classes=$(jcmd "$berth_pid" VM.classloader_stats | awk '/^Total/ {print $4}')
  local started bound
  started=$(find "$work/platform-run" -path '*/data/started' | wc -l)
  find "$work/platform-run" -path '*/data/started' -delete
  bound=$(grep -c 'jffi[^/]*\.so' "/proc/$berth_pid/maps" || true)
  if [ "$started" != 1 ] || [ "$bound" = 0 ]; then
    echo "Jackson's probe bundle ran: $started, jffi mapped: $bound; the daemon's log:" >&2
    cat "$work/platform-root/berth.log" "$work/platform.log" >&2; exit 1
  fi
}
idle_platform both_in_use; fixed_rss=$floor_rss

ratio() { python3 -c "print('%.2f' % ($1/$2))"; }
med() { printf '%s\n' "$@" | median; }
cat <<EOT
| measure | Berth | dockerd | Berth / dockerd |
|---|---|---|---|
| first start → \`version\` (records the CDS archive; fresh roots) | ${first_v} ms | ${first_d} ms | $(ratio "$first_v" "$first_d") |
| start after a host boot → \`version\` (fresh roots, median of $runs) | $(printf '%s\n' "${boot_v[@]}" | stats) | $(printf '%s\n' "${boot_d[@]}" | stats) | $(ratio "$(med "${boot_v[@]}")" "$(med "${boot_d[@]}")") |
| restart → \`version\` (previous roots, framework cache reused, median of $runs) | $(printf '%s\n' "${restart_v[@]}" | stats) | $(printf '%s\n' "${restart_d[@]}" | stats) | $(ratio "$(med "${restart_v[@]}")" "$(med "${restart_d[@]}")") |
| Berth's whole engine started (\`ps\` answers): first / after a boot / restart | ${first_e} ms / $(printf '%s\n' "${boot_e[@]}" | stats) / $(printf '%s\n' "${restart_e[@]}" | stats) | | |
| \`version\` round trip, client process included (mean of 200) | ${berth_rt} ms | ${docker_rt} ms | $(ratio "$berth_rt" "$docker_rt") |
| idle daemon RSS 10 s after the whole engine started | ${berth_rss} MB | ${docker_rss} MB (with containerd) | $(ratio "$berth_rss" "$docker_rss") |

Berth's idle RSS: ${berth_split} (${berth_files%, }).

Berth idle, with Native Memory Tracking (VmRSS ${nmt_rss} MB, ${threads} threads), committed: ${nmt%, }

Floors, idle RSS with the daemon's JVM options: a JVM that only sleeps ${jvm_rss} MB; the OSGi platform without Berth's bundles (launcher, Felix and ${platform_bundles} bundles) ${platform_rss} MB; the same with Jackson and jnr-ffi in use (${fixed_classes} classes loaded), still no engine, ${fixed_rss} MB.
EOT
