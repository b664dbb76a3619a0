#!/bin/sh
# Installs the host packages Berth's tests use as real parts: busybox-static (test images),
# skopeo and umoci (independent readers of our image formats), runc and crun (OCI runtimes),
# docker-registry (a real registry on loopback), script(1) from bsdutils (a terminal for console
# tests), iproute2 and iptables (network namespaces, the bridge driver's rules), containernetworking-plugins
# (the CNI driver's tests), python3 (bcrypt htpasswd entries for the
# registry tests), openssl (a test CA for registries over TLS), attr (setfattr: xattrs in
# GNU tar archives for the tar codec tests), docker.io (dockerd, the reference FidelityIT compares
# Berth with), tini (the init `run --init` runs; its static build, /usr/bin/tini-static), docker-compose
# (1.29.2: ComposeConfigIT compares `compose config` with its `config`), chromium (a real browser,
# headless, for the Web Console page's test), plus what the build needs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
"$here/install-build-deps.sh"
packages="busybox-static skopeo umoci runc crun docker.io tini docker-compose docker-registry bsdutils iproute2 iptables containernetworking-plugins procps python3 openssl attr chromium"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing:$missing"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi
