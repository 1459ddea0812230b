# SPDX-License-Identifier: Apache-2.0
# Precompiled headers: the standard library's most used headers and nlohmann/json (and Catch2 for
# the tests) are parsed once per build instead of once per source file: 164 of the 300 files
# include nlohmann/json, and the whole suite (five builds of the project on two cores) has to fit
# the CI's 90 minutes. See docs/testing.md for the figures.
#
# One precompiled header for the programs and libraries, one for the test programs: every target
# reuses one of them (REUSE_FROM), so it is compiled once, not once per target.
#
# Clang builds only (the two sanitizer builds): there they save a third of the time. With g++ 12
# they saved about a tenth, and at -O2 g++ then reported a false -Warray-bounds from inside
# libstdc++'s string, which it keeps quiet about when the same header is included normally. The
# g++ builds (the packages) and the fuzzers' build compile without them, so a source file that
# uses a header without including it still fails there.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(sunbridge_pch_default ON)
else()
  set(sunbridge_pch_default OFF)
endif()
option(SUNBRIDGE_PCH "Precompile the standard library's common headers and nlohmann/json"
       ${sunbridge_pch_default})

set(sunbridge_pch_headers
  <algorithm> <array> <chrono> <cmath> <cstdint> <cstdio> <cstring> <functional> <map> <memory>
  <optional> <set> <span> <string> <string_view> <utility> <variant> <vector>
  <nlohmann/json.hpp>)

# Call after every target exists. `targets` reuse the programs' header, `test_targets` the tests';
# a named target this configuration does not build (no tools, no tests) is left out.
function(sunbridge_precompile_headers)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "" "TARGETS;TEST_TARGETS")
  if(NOT SUNBRIDGE_PCH)
    return()
  endif()
  foreach(list arg_TARGETS arg_TEST_TARGETS)
    set(present)
    foreach(target IN LISTS ${list})
      if(TARGET ${target})
        list(APPEND present ${target})
      endif()
    endforeach()
    set(${list} ${present})
  endforeach()
  set(anchor ${PROJECT_SOURCE_DIR}/cmake/precompiled.cpp)
  add_library(sunbridge_pch OBJECT ${anchor})
  target_link_libraries(sunbridge_pch PRIVATE nlohmann_json::nlohmann_json sunbridge_warnings)
  target_precompile_headers(sunbridge_pch PRIVATE ${sunbridge_pch_headers})
  foreach(target IN LISTS arg_TARGETS)
    target_precompile_headers(${target} REUSE_FROM sunbridge_pch)
  endforeach()
  if(arg_TEST_TARGETS)
    find_package(Catch2 2 REQUIRED)
    add_library(sunbridge_test_pch OBJECT ${anchor})
    target_link_libraries(sunbridge_test_pch PRIVATE nlohmann_json::nlohmann_json Catch2::Catch2
      sunbridge_warnings)
    target_precompile_headers(sunbridge_test_pch PRIVATE ${sunbridge_pch_headers}
      <catch2/catch.hpp>)
    foreach(target IN LISTS arg_TEST_TARGETS)
      target_precompile_headers(${target} REUSE_FROM sunbridge_test_pch)
    endforeach()
  endif()
endfunction()
