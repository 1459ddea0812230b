// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "sunbridge/domain/fault_watch.hpp"

using namespace sb;
using namespace std::chrono_literals;

TEST_CASE("inverter fault codes: one event when a code appears, one when it clears",
          "[unit][faults]") {
  domain::FaultWatch watch;
  const WallTime t0{std::chrono::seconds(1'800'000'000)};
  const FaultCode low{1, "BatVoltLow", "battery voltage low"};
  const FaultCode hot{7, "OverTemp", "heatsink over temperature"};
  CHECK(watch.update({}, t0).empty());
  auto e = watch.update({low}, t0 + 10s);
  REQUIRE(e.size() == 1);
  CHECK(e[0].kind == "inverter.fault");
  CHECK(e[0].severity == Severity::kWarning);
  CHECK(e[0].message == "inverter fault 1 BatVoltLow: battery voltage low");
  CHECK(e[0].details.at("code") == "1");
  CHECK(watch.update({low}, t0 + 20s).empty());  // still there: not again
  e = watch.update({low, hot}, t0 + 30s);
  REQUIRE(e.size() == 1);
  CHECK(e[0].details.at("name") == "OverTemp");
  e = watch.update({hot}, t0 + 40s);
  REQUIRE(e.size() == 1);
  CHECK(e[0].kind == "inverter.fault_cleared");
  CHECK(e[0].severity == Severity::kInfo);
  CHECK(e[0].details.at("code") == "1");
}

TEST_CASE("faults present at start-up are reported once", "[unit][faults]") {
  domain::FaultWatch watch;
  const WallTime t0{std::chrono::seconds(1'800'000'000)};
  auto e = watch.update({{3, "X", "y"}}, t0);
  REQUIRE(e.size() == 1);
  CHECK(e[0].kind == "inverter.fault");
}
