#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The service's sandbox stays at systemd's exposure rating of 1.5 or better ("--threshold" is in
# tenths). Prints the rating and every item still open.
set -u
unit=$1
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze is missing (scripts/setup installs systemd)"
  exit 1
fi
out=$(systemd-analyze security --offline=true --threshold=15 "$unit" 2>&1)
rc=$?
echo "$out" | grep -E '✗|Overall'
if [ $rc -ne 0 ]; then
  echo "the unit's exposure is above 1.5"
  exit 1
fi
