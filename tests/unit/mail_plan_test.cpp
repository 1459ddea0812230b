// SPDX-License-Identifier: Apache-2.0
// The morning report e-mails: what is sent, retried and given up.
#include <catch2/catch.hpp>

#include "sunbridge/app/mail_plan.hpp"

using namespace sb;
using namespace std::chrono_literals;
using Periods = std::vector<std::string>;

namespace {
const WallTime kMonday0715{std::chrono::seconds(1'796'940'900)};
}

TEST_CASE("a report that went out is not sent again when another one is retried",
          "[unit][report][mail]") {
  app::MailPlan plan;
  const Periods monday{"day", "week"};
  WallTime now = kMonday0715;
  REQUIRE(plan.start("2026-12-07", monday, now) == Periods{"day", "week"});
  // Nothing more while both are in flight, even on later runs.
  CHECK(plan.start("2026-12-07", monday, now + 30s).empty());
  plan.finished("2026-12-07", "day", true, now + 5s);
  plan.finished("2026-12-07", "week", false, now + 5s);
  // Retried after 15 minutes: only the week's report.
  CHECK(plan.start("2026-12-07", monday, now + 10min).empty());
  CHECK(plan.start("2026-12-07", monday, now + 16min) == Periods{"week"});
  plan.finished("2026-12-07", "week", true, now + 16min);
  CHECK(plan.start("2026-12-07", monday, now + 40min).empty());
}

TEST_CASE("a report that fails three times is given up for the day, the next day starts afresh",
          "[unit][report][mail]") {
  app::MailPlan plan;
  WallTime now = kMonday0715;
  for (int attempt = 0; attempt < app::MailPlan::kMaxAttempts; ++attempt) {
    INFO("attempt " << attempt);
    REQUIRE(plan.start("2026-12-07", {"day"}, now) == Periods{"day"});
    plan.finished("2026-12-07", "day", false, now);
    now += 16min;
  }
  CHECK(plan.start("2026-12-07", {"day"}, now).empty());
  CHECK(plan.given_up().count("day") == 1);
  // An answer of yesterday's send arriving late changes nothing today.
  REQUIRE(plan.start("2026-12-08", {"day"}, now + 24h) == Periods{"day"});
  plan.finished("2026-12-07", "day", true, now + 24h);
  CHECK(plan.start("2026-12-08", {"day"}, now + 24h + 1min).empty());  // still in flight
  plan.finished("2026-12-08", "day", true, now + 24h + 1min);
  CHECK(plan.given_up().empty());
  CHECK(plan.start("2026-12-08", {"day"}, now + 25h).empty());
}
