// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <filesystem>

#include "sunbridge/adapters/config.hpp"

TEST_CASE("board configurations are valid", "[unit][config]") {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SUNBRIDGE_SOURCE_DIR "/boards")) {
    if (entry.path().extension() != ".json") continue;
    auto load = sb::adapters::load_config_file(entry.path().string());
    INFO(entry.path() << "\n" << sb::schema::format_issues(load.issues));
    CHECK(load.config.has_value());
    ++checked;
  }
  CHECK(checked >= 2);
}
