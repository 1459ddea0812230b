// SPDX-License-Identifier: Apache-2.0
// The shipped tariff and baseline files of this source tree, parsed (tests of the household
// model and the automatic mode run on the real files).
#pragma once

#include <catch2/catch.hpp>

#include "source_files.hpp"
#include "sunbridge/domain/profile.hpp"
#include "sunbridge/domain/tariff.hpp"

namespace sb::test {

inline domain::Tariff shipped_tariff(const std::string& file = "shikoku-seasonal-tou.json") {
  schema::Issues issues;
  auto t = domain::Tariff::from_json(read_source("profiles/tariffs/" + file), issues);
  REQUIRE(t);
  return *t;
}

inline domain::SettingValues shipped_baseline() {
  schema::Issues issues;
  auto b = domain::Baseline::from_json(read_source("profiles/baseline.json"), issues);
  REQUIRE(b);
  return b->values;
}

}  // namespace sb::test
