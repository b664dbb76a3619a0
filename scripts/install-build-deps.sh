#!/bin/sh
# Installs what building and running Berth needs on Debian/Ubuntu: a JDK 17, Maven, a C compiler,
# libseccomp (linked into the shim) and iptables (the bridge network driver's rules).
set -eu
missing=""
command -v javac >/dev/null 2>&1 || missing="$missing openjdk-17-jdk-headless"
command -v mvn >/dev/null 2>&1 || missing="$missing maven"
command -v cc >/dev/null 2>&1 || missing="$missing gcc libc6-dev"
[ -f /usr/include/seccomp.h ] || missing="$missing libseccomp-dev"
[ -x /usr/sbin/iptables-restore ] || [ -x /sbin/iptables-restore ] || missing="$missing iptables"
if [ -n "$missing" ]; then
  echo "Installing:$missing"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $missing
fi
