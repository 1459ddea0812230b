// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "sunbridge/domain/bank.hpp"
#include "sunbridge/domain/cross_check.hpp"

using namespace sb;
using namespace std::chrono_literals;

namespace {

void put(domain::PointStore& s, const std::string& name, double v, WallTime ts) {
  s.set(Point{name, v, "", Quality::kOk, ts, {}});
}

void put_pack(domain::PointStore& s, int pack, double soc, double full, double current, double volt,
              std::vector<double> cells, WallTime ts) {
  const std::string n = "pack." + std::to_string(pack) + ".";
  put(s, n + "soc", soc, ts);
  put(s, n + "full", full, ts);
  put(s, n + "remaining", soc / 100 * full, ts);
  put(s, n + "current", current, ts);
  put(s, n + "voltage", volt, ts);
  for (std::size_t i = 0; i < cells.size(); ++i)
    put(s, n + "cell." + std::to_string(i + 1), cells[i], ts);
  put(s, n + "temp.1", 20.0 + pack, ts);
}

double num(const std::vector<Point>& pts, const std::string& name) {
  for (const auto& p : pts) {
    if (p.name == name) {
      REQUIRE(p.quality == Quality::kOk);
      return std::get<double>(p.value);
    }
  }
  FAIL("missing " << name);
  return 0;
}

const Point& pt(const std::vector<Point>& pts, const std::string& name) {
  for (const auto& p : pts) {
    if (p.name == name) return p;
  }
  FAIL("missing " << name);
  return pts.front();
}

}  // namespace

TEST_CASE("bank: capacity-weighted SOC, sums, extremes and where they are", "[unit][bank]") {
  domain::PointStore s;
  WallTime t{std::chrono::seconds(1'700'000'000)};
  put_pack(s, 1, 50, 100, -2.0, 52.40, {3270, 3281, 3265}, t);
  put_pack(s, 2, 80, 50, -1.5, 52.60, {3290, 3275, 3300}, t + 1s);
  auto bank = domain::compute_bank(s, {1, 2}, t + 2s);
  CHECK(num(bank, "bank.soc") == Approx((50 * 100 + 80 * 50) / 150.0).margin(0.001));
  CHECK(num(bank, "bank.current") == Approx(-3.5));
  CHECK(num(bank, "bank.full") == 150);
  CHECK(num(bank, "bank.remaining") == Approx(90));
  CHECK(num(bank, "bank.voltage") == Approx(52.5));
  CHECK(num(bank, "bank.cell.min") == 3265);
  CHECK(std::get<std::string>(pt(bank, "bank.cell.min_at").value) == "pack 1 cell 3");
  CHECK(num(bank, "bank.cell.max") == 3300);
  CHECK(std::get<std::string>(pt(bank, "bank.cell.max_at").value) == "pack 2 cell 3");
  CHECK(num(bank, "bank.cell.spread") == 35);
  CHECK(num(bank, "bank.temp.min") == 21);
  CHECK(num(bank, "bank.temp.max") == 22);
  CHECK(num(bank, "bank.packs_online") == 2);
  CHECK(pt(bank, "bank.soc").ts == t);  // as old as the oldest input
}

TEST_CASE("bank: a missing pack makes bank figures invalid, not wrong", "[unit][bank]") {
  domain::PointStore s;
  WallTime t{std::chrono::seconds(1'700'000'000)};
  put_pack(s, 1, 50, 100, -2.0, 52.4, {3270}, t);
  s.set(Point{"pack.2.alarms",
              TextList{"protection: short circuit", "warning: cell over-voltage"},
              "",
              Quality::kOk,
              t,
              {}});
  auto bank = domain::compute_bank(s, {1, 2}, t);
  CHECK(pt(bank, "bank.soc").quality == Quality::kInvalid);
  CHECK(pt(bank, "bank.soc").note.find("pack 2") != std::string::npos);
  CHECK(num(bank, "bank.packs_online") == 1);
  // Protection is never hidden, even from a pack without analog values.
  CHECK(std::get<TextList>(pt(bank, "bank.protection").value) == TextList{"pack 2: short circuit"});
}

TEST_CASE("cross-check: only a sustained gap is an event, and so is its end", "[unit][bank]") {
  domain::PointStore s;
  domain::CrossCheck check({10.0, 1.0, 600s});
  WallTime t{std::chrono::seconds(1'700'000'000)};
  auto feed = [&](double bank_soc, double inv_soc, WallTime at) {
    put(s, "bank.soc", bank_soc, at);
    put(s, "battery.soc", inv_soc, at);
    return check.evaluate(s, at);
  };
  CHECK(feed(60, 48, t).empty());         // gap starts
  CHECK(feed(60, 48, t + 599s).empty());  // not yet sustained
  auto raised = feed(61, 48, t + 600s);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].kind == "bms.soc_mismatch");
  CHECK(raised[0].severity == Severity::kWarning);
  CHECK(raised[0].details.at("gap") == "13.0");
  CHECK(feed(61, 48, t + 900s).empty());  // raised once
  auto cleared = feed(50, 48, t + 1000s);
  REQUIRE(cleared.size() == 1);
  CHECK(cleared[0].kind == "bms.soc_mismatch_cleared");
  // A gap interrupted before it lasts restarts the clock.
  CHECK(feed(70, 48, t + 2000s).empty());
  CHECK(feed(50, 48, t + 2300s).empty());
  CHECK(feed(70, 48, t + 2400s).empty());
  CHECK(feed(70, 48, t + 2999s).empty());
  CHECK(feed(70, 48, t + 3000s).size() == 1);
}
