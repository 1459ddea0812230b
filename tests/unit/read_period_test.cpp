// SPDX-License-Identifier: Apache-2.0
// --since and --until as the daemon reads them for history, events, pq and audit.
#include <catch2/catch.hpp>

#include "sunbridge/app/read_period.hpp"
#include "sunbridge/core/local_time.hpp"

using namespace std::chrono_literals;
using nlohmann::json;

TEST_CASE("a read period: durations count back, dates are local midnights, until defaults to now",
          "[unit][cli]") {
  REQUIRE(sb::set_process_timezone("Asia/Tokyo").ok());
  const auto now = *sb::parse_iso8601_utc("2026-12-02T03:00:00Z");  // 12:00 in Takamatsu
  auto p = sb::app::read_period(json{{"since", "2d"}, {"until", "1d"}}, now, 1h, 400 * 24h);
  REQUIRE(p);
  CHECK(p->since == now - 48h);
  CHECK(p->until == now - 24h);
  p = sb::app::read_period(json{{"since", "2026-12-01"}, {"until", "2026-12-02"}}, now, 1h,
                           400 * 24h);
  REQUIRE(p);
  CHECK(sb::format_iso8601_utc(p->since) == "2026-11-30T15:00:00.000Z");
  CHECK(sb::format_iso8601_utc(p->until) == "2026-12-01T15:00:00.000Z");
  p = sb::app::read_period(json::object(), now, 6h, 400 * 24h);
  REQUIRE(p);
  CHECK(p->since == now - 6h);
  CHECK(p->until == now);
  // Past the present reads up to the present.
  p = sb::app::read_period(json{{"since", "1h"}, {"until", "2027-01-01"}}, now, 1h, 400 * 24h);
  REQUIRE(p);
  CHECK(p->until == now);
}

TEST_CASE("a read period that cannot be read is refused with the word that is wrong",
          "[unit][cli]") {
  REQUIRE(sb::set_process_timezone("Asia/Tokyo").ok());
  const auto now = *sb::parse_iso8601_utc("2026-12-02T03:00:00Z");
  auto p = sb::app::read_period(json{{"since", "1d"}, {"until", "2d"}}, now, 1h, 400 * 24h);
  REQUIRE_FALSE(p);
  CHECK(p.error().detail.find("until: the end (2026-11-30 12:00") != std::string::npos);
  p = sb::app::read_period(json{{"until", "soon"}}, now, 1h, 400 * 24h);
  REQUIRE_FALSE(p);
  CHECK(p.error().detail.rfind("until: expected a duration", 0) == 0);
  p = sb::app::read_period(json{{"since", "3d"}}, now, 1h, 48h);
  REQUIRE_FALSE(p);
  CHECK(p.error().detail == "since: at most 2 days back");
}
