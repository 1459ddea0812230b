#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What a program's dynamic section names is what the loader maps at every start. The homeowner
# CLI starts in milliseconds only if it does not depend on Paho (MQTT), libcurl (HTTPS), OpenSSL
# or libgpiod, which only the daemon uses; the daemon stays small only if libcurl and its two
# dozen libraries are its helper's alone, and the HTTP library (which initialises OpenSSL when
# loaded) is its dashboard module's, loaded only when the dashboard is on. Usage: check_libraries.sh BINARY 'curl|paho|...'
# (library names after "lib"); lists the offending entries.
set -u
binary=$1
forbidden=$2
needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
if [ -z "$needed" ]; then
  echo "cannot read the dynamic section of $binary"
  exit 1
fi
bad=$(echo "$needed" | grep -E "^lib($forbidden)" || true)
if [ -n "$bad" ]; then
  echo "$binary links libraries it never uses:"
  echo "$bad"
  exit 1
fi
echo "$(basename "$binary") links: $(echo $needed)"
