#!/bin/bash
# Builds the benchmarks' large image from host files: five uncompressed layer tars
# (usr/include, usr/lib/gcc, usr/lib/python3, usr/share/perl, usr/share/i18n + usr/share/zoneinfo)
# as WORK/layer1..5.tar, and an OCI layout of them with gzip layers, tagged "bench", in WORK/layout.
# Usage: benchmarks/host-image.sh WORK   (sourced or run; the tars are left for the caller)
set -euo pipefail
work=$1
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
echo "building the image from host files..." >&2
i=0
for dirs in "usr/include" "usr/lib/gcc" "usr/lib/python3" "usr/share/perl" "usr/share/i18n usr/share/zoneinfo"; do
  i=$((i + 1))
  tar -C / -cf "$work/layer$i.tar" $dirs 2>/dev/null || true
done
python3 "$top/benchmarks/oci-image.py" "$work/layout" bench "$work"/layer[1-5].tar
