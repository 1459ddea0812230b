#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The homeowner CLI starts in milliseconds only if the loader has little to map: it must not
# depend on Paho (MQTT), libcurl (HTTPS), OpenSSL or libgpiod, which only the daemon uses. Lists the
# offending entries of the binary's dynamic section.
set -u
cli=$1
needed=$(readelf -d "$cli" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
if [ -z "$needed" ]; then
  echo "cannot read the dynamic section of $cli"
  exit 1
fi
bad=$(echo "$needed" | grep -E '^lib(paho|curl|crypto|ssl|gpiod)' || true)
if [ -n "$bad" ]; then
  echo "$cli links libraries it never uses:"
  echo "$bad"
  exit 1
fi
echo "sunbridge links: $(echo $needed)"
