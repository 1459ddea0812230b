#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ctest gets each Catch2 test by name; CMake splits names at ';', so such a test would "pass"
# without running, and Catch takes a name starting with '-' for an option and runs nothing.
# Fails on any TEST_CASE name containing ';' or starting with '-'.
if grep -rnE 'TEST_CASE(_METHOD)?\((Fixture, )?"[^"]*;' "$1/tests"; then
  echo "test names must not contain ';' (ctest would split them and run nothing)" >&2
  exit 1
fi
if grep -rnE 'TEST_CASE(_METHOD)?\((Fixture, )?"-' "$1/tests"; then
  echo "test names must not start with '-' (Catch would read them as an option)" >&2
  exit 1
fi
echo "test names: ok"
