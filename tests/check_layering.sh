#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Layering, one way (docs/architecture.md): each layer includes only itself and the layers below.
#   core <- protocol, transport <- device <- adapters <- app <- daemon; the domain sees core only;
#   the CLI and the simulator never see the app layer.
# Fails with every offending include listed.
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
status=0
check() {
  local layer=$1 allowed=$2
  local files
  files=$(find "$root/include/sunbridge/$layer" "$root/src/$layer" -name '*.[ch]pp' 2>/dev/null | sort)
  [ -n "$files" ] || return 0
  local bad
  bad=$(grep -HnE '#include "sunbridge/[a-z_]+/' $files | grep -vE "#include \"sunbridge/($allowed)/" || true)
  if [ -n "$bad" ]; then
    echo "layer '$layer' may include only sunbridge/{$allowed}:"
    echo "$bad"
    status=1
  fi
}
check core      'core'
check protocol  'core|protocol'
check transport 'core|transport'
check device    'core|protocol|transport|device'
check domain    'core|domain'
check adapters  'core|protocol|transport|device|domain|adapters'
check app       'core|protocol|transport|device|domain|adapters|app'
# The executables. The homeowner CLI talks to the daemon's socket and, for doctor without a
# daemon, to the inverter: never the daemon's application layer (which brings MQTT, HTTPS and
# OpenSSL with it).
check cli       'core|protocol|transport|device|domain|adapters'
check daemon    'core|protocol|transport|device|domain|adapters|app'
# The simulator has its own register image and pack answers: only framing and codecs are shared,
# and the household model of the strategy benchmark (domain), which --physics year runs so that
# the daemon meets the household the benchmark measures. Never the device layer: the daemon's
# way of reading the inverter must not be the simulator's way of answering.
check sim       'core|protocol|domain|adapters'
check testkit   'core|adapters'
# Within adapters, the network side (Paho, libcurl, OpenSSL) stays out of what the CLI links.
net=$(grep -lE '#include "sunbridge/adapters/(mqtt_client|http_get|remote_command|weather)\.hpp"' \
  $(find "$root/src/cli" -name '*.[ch]pp') 2>/dev/null || true)
if [ -n "$net" ]; then
  echo "the homeowner CLI must not use the network adapters (MQTT, HTTPS, HMAC):"
  echo "$net"
  status=1
fi
# libcurl is the helper's (sunbridge-fetch): the daemon reaches it only through adapters/outbound.
curl=$(grep -lE '#include "sunbridge/adapters/curl_outbound\.hpp"' \
  $(find "$root/src/app" "$root/src/daemon" "$root/src/cli" -name '*.[ch]pp') 2>/dev/null || true)
if [ -n "$curl" ]; then
  echo "only sunbridge-fetch may use libcurl (the daemon goes through adapters/outbound.hpp):"
  echo "$curl"
  status=1
fi
[ $status -eq 0 ] && echo "layering: ok"
exit $status
