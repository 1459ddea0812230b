#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Layering, one way (docs/architecture.md): each layer includes only itself and the layers below.
#   core <- protocol, transport <- device <- domain? no: the domain sees core only.
# Fails with every offending include listed.
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
status=0
check() {
  local layer=$1 allowed=$2
  local files
  files=$(find "$root/include/sunbridge/$layer" "$root/src/$layer" -name '*.[ch]pp' 2>/dev/null)
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
[ $status -eq 0 ] && echo "layering: ok"
exit $status
