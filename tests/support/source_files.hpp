// SPDX-License-Identifier: Apache-2.0
// A file of this source tree (shipped data, fixtures) as text, for tests that check the real
// files rather than copies.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

namespace sb::test {

inline std::string read_source(const std::string& relative) {
  std::ifstream in(std::string(SUNBRIDGE_SOURCE_DIR) + "/" + relative);
  REQUIRE(in);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace sb::test
