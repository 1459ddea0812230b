#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ctest gets each Catch2 test by name; CMake splits names at ';', so such a test would "pass"
# without running, and Catch takes a name starting with '-' for an option and runs nothing.
# Fails on any TEST_CASE name containing ';' or starting with '-', also when the name is split
# over several lines or string literals (the ctest entries also run with --warn NoTests).
perl -0777 -ne '
  while (/TEST_CASE(?:_METHOD)?\(\s*(?:\w+,\s*)?((?:"(?:[^"\\]|\\.)*"\s*)+)/g) {
    my $name = join "", ($1 =~ /"((?:[^"\\]|\\.)*)"/g);
    if ($name =~ /;/) { print "$ARGV: \"$name\": contains a semicolon\n"; $bad = 1 }
    if ($name =~ /^-/) { print "$ARGV: \"$name\": starts with a dash\n"; $bad = 1 }
  }
  END { exit($bad ? 1 : 0) }
' $(find "$1/tests" -name '*.cpp') || {
  echo "test names must not contain ';' (ctest would split them and run nothing) or start with '-'" >&2
  exit 1
}
echo "test names: ok"
