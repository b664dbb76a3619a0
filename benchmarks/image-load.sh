#!/bin/bash
# Load and unpack a ~300 MB, 5-layer image built from host files, three ways on the same data:
#   gzip -dc | tar -x   of each layer in turn (one core, no verification: the floor),
#   umoci unpack        of the OCI layout (verifies digests, one layer after the other),
#   bin/berth load -i   of the same layout as an OCI archive (stores the blobs, verifies every digest,
#                       unpacks the layers in parallel with the overlay driver).
# Everything runs on tmpfs (/dev/shm), so the disk's write speed does not decide; rounds alternate.
# Usage: benchmarks/image-load.sh [ROUNDS]   (after `mvn package`; as root; needs umoci)
set -euo pipefail
rounds=${1:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
berth=$(ls -d "$top"/distribution/target/berth-*/ | head -1)bin/berth
work=/dev/shm/berth-bench-load
rm -rf "$work"; mkdir -p "$work"
daemon=""
cleanup() {
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$top/benchmarks/host-image.sh" "$work"
tar -C "$work/layout" -cf "$work/image.tar" .
bytes=$(cat "$work"/layer[1-5].tar | wc -c)
compressed=$(du -cb "$work"/layout/blobs/sha256/* | tail -1 | cut -f1)
files=$(for t in "$work"/layer[1-5].tar; do tar -tf "$t"; done | wc -l)

"$berth" daemon --root "$work/root" --run-root "$work/run" >/dev/null 2>&1 &
daemon=$!
export BERTH_HOST="unix://$work/run/berth.sock"
until "$berth" version >/dev/null 2>&1; do sleep 0.05; done
"$berth" drivers >&2

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
t_tar=(); t_umoci=(); t_berth=()
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/out"; mkdir "$work/out"; sync
  s=$(now); for l in "$work"/layout/blobs/sha256/*; do
    if [ "$(head -c2 "$l" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then gzip -dc "$l" | tar -x -C "$work/out"; fi
  done; t_tar+=($(( ($(now) - s) / 1000000 )))
  rm -rf "$work/out" "$work/bundle"; sync
  s=$(now); umoci unpack --image "$work/layout:bench" "$work/bundle" >/dev/null; t_umoci+=($(( ($(now) - s) / 1000000 )))
  rm -rf "$work/bundle"; sync
  s=$(now); "$berth" load -i "$work/image.tar" >/dev/null; t_berth+=($(( ($(now) - s) / 1000000 )))
  "$berth" rmi -f "$("$berth" images -q | head -1)" >/dev/null
done
tar_ms=$(printf '%s\n' "${t_tar[@]}" | median)
umoci_ms=$(printf '%s\n' "${t_umoci[@]}" | median)
berth_ms=$(printf '%s\n' "${t_berth[@]}" | median)
mbps() { python3 -c "print('%.0f' % ($bytes / 1e6 / ($1 / 1000)))"; }
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
echo "image: 5 layers, $((bytes / 1000000)) MB of tar ($files entries), $((compressed / 1000000)) MB gzip; tmpfs; median of $rounds rounds, alternating"
cat <<EOT
| contender | time | MB/s (uncompressed) | time / Berth's |
|---|---|---|---|
| \`bin/berth load -i\` (OCI archive, overlay, layers in parallel) | ${berth_ms} ms | $(mbps "$berth_ms") | 1.00 |
| \`gzip -dc \| tar -x\`, layer after layer | ${tar_ms} ms | $(mbps "$tar_ms") | $(ratio "$tar_ms" "$berth_ms") |
| \`umoci unpack\` | ${umoci_ms} ms | $(mbps "$umoci_ms") | $(ratio "$umoci_ms" "$berth_ms") |
EOT
