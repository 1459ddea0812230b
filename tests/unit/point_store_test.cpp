// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "sunbridge/domain/point_store.hpp"
#include "sunbridge/protocol/register_map.hpp"

using namespace sb;
using namespace std::chrono_literals;

namespace {

Point ok(const std::string& name, double v, WallTime ts, const std::string& unit = "V") {
  return Point{name, v, unit, Quality::kOk, ts, ""};
}

}  // namespace

TEST_CASE("a failed refresh makes a value stale and keeps the last value aside", "[unit][store]") {
  domain::PointStore store;
  WallTime t0{std::chrono::seconds(1'700'000'000)};
  store.apply({{ok("battery.voltage", 52.4, t0)}, {}, {}, 30s});
  CHECK(store.get("battery.voltage", t0)->quality == Quality::kOk);
  store.apply({{}, {{"battery.voltage", "timeout", "V"}}, {}, 30s});
  auto p = store.get("battery.voltage", t0 + 1s);
  REQUIRE(p);
  CHECK(p->quality == Quality::kStale);
  CHECK(std::get<double>(p->value) == 52.4);  // kept, flagged, never shown as fresh
  CHECK(p->ts == t0);
  CHECK(p->note == "timeout");
  store.apply({{ok("battery.voltage", 52.6, t0 + 2s)}, {}, {}, 30s});
  CHECK(store.get("battery.voltage", t0 + 2s)->quality == Quality::kOk);
}

TEST_CASE("a value older than its allowed age is stale even without a failure", "[unit][store]") {
  domain::PointStore store;
  WallTime t0{std::chrono::seconds(1'700'000'000)};
  store.apply({{ok("grid.frequency", 60.0, t0, "Hz")}, {}, {}, 35s});
  CHECK(store.get("grid.frequency", t0 + 35s)->quality == Quality::kOk);
  auto late = store.get("grid.frequency", t0 + 36s);
  CHECK(late->quality == Quality::kStale);
  CHECK(late->note.find("not refreshed") != std::string::npos);
  // max_age 0 never ages (identity values).
  store.apply({{ok("inverter.serial", 0, t0, "")}, {}, {}, 0s});
  CHECK(store.get("inverter.serial", t0 + 1000h)->quality == Quality::kOk);
}

TEST_CASE("a stale point never read before has no value and is invalid", "[unit][store]") {
  domain::PointStore store;
  store.apply({{}, {{"pv2.power", "timeout", "W"}}, {}, 30s});
  auto p = store.get("pv2.power", WallTime{});
  CHECK(p->quality == Quality::kInvalid);
  CHECK(p->unit == "W");
}

TEST_CASE("invalid drops the value", "[unit][store]") {
  domain::PointStore store;
  WallTime t0{std::chrono::seconds(1'700'000'000)};
  store.apply({{ok("battery.soh", 98, t0, "%")}, {}, {}, 30s});
  store.apply({{}, {}, {{"battery.soh", "not implemented by this firmware", "%"}}, 30s});
  auto p = store.get("battery.soh", t0);
  CHECK(p->quality == Quality::kInvalid);
  CHECK_FALSE(has_value(p->value));
}

TEST_CASE("derived points: value, worst quality, oldest timestamp", "[unit][store]") {
  domain::PointStore store(
      {{"battery.power",
        DerivedOp::kProduct,
        {"battery.voltage", "battery.current"},
        "W",
        "",
        std::nullopt},
       {"load.power", DerivedOp::kSum, {"load.l1.power", "load.l2.power"}, "W", "", std::nullopt}});
  WallTime t0{std::chrono::seconds(1'700'000'000)};
  store.apply({{ok("battery.voltage", 52.0, t0), ok("battery.current", -10.5, t0 + 1s, "A"),
                ok("load.l1.power", 700, t0, "W"), ok("load.l2.power", 650, t0, "W")},
               {},
               {},
               30s});
  auto power = store.get("battery.power", t0 + 1s);
  REQUIRE(power);
  CHECK(std::get<double>(power->value) == Approx(-546.0));
  CHECK(power->quality == Quality::kOk);
  CHECK(power->ts == t0);
  CHECK(std::get<double>(store.get("load.power", t0)->value) == 1350.0);
  // Display precision: declared for the product (none here), a sum's finest input's.
  CHECK(power->decimals == -1);
  store.apply({{Point{"load.l1.power", 700.0, "W", Quality::kOk, t0, "", 1}}, {}, {}, 30s});
  CHECK(store.get("load.power", t0)->decimals == 1);
  store.apply({{}, {{"load.l2.power", "timeout", "W"}}, {}, 30s});
  CHECK(store.get("load.power", t0)->quality == Quality::kStale);
  store.apply({{}, {}, {{"battery.current", "unsupported", "A"}}, 30s});
  CHECK(store.get("battery.power", t0)->quality == Quality::kInvalid);
  // Snapshots are sorted by name and include derived points.
  auto snap = store.snapshot(t0);
  CHECK(std::is_sorted(snap.begin(), snap.end(),
                       [](const Point& a, const Point& b) { return a.name < b.name; }));
  CHECK(
      std::any_of(snap.begin(), snap.end(), [](const Point& p) { return p.name == "load.power"; }));
}

TEST_CASE("fresh_number is a number exactly when the point is fresh and numeric", "[unit][store]") {
  // fresh_number reads stored points in place, not through get(); both must say the same.
  domain::PointStore store({{"battery.power",
                             DerivedOp::kProduct,
                             {"battery.voltage", "battery.current"},
                             "W",
                             "",
                             std::nullopt}});
  const WallTime t0{std::chrono::seconds(1'700'000'000)};
  store.apply({{ok("battery.voltage", 52.0, t0), ok("battery.current", -10.0, t0, "A"),
                Point{"inverter.state", std::string("SBU"), "", Quality::kOk, t0, ""}},
               {},
               {},
               30s});
  store.apply({{ok("pv.power", 300, t0, "W")}, {}, {}, 0s});  // never ages
  store.apply(
      {{ok("grid.frequency", 60.0, t0, "Hz")}, {{"grid.frequency", "timeout", "Hz"}}, {}, 30s});
  store.apply({{}, {}, {{"battery.soh", "unsupported", "%"}}, 30s});

  CHECK(store.fresh_number("battery.voltage", t0 + 30s) == 52.0);
  CHECK(store.fresh_number("battery.power", t0 + 30s) == -520.0);
  CHECK_FALSE(store.fresh_number("battery.voltage", t0 + 31s));  // older than its allowed age
  CHECK_FALSE(store.fresh_number("battery.power", t0 + 31s));    // its inputs are
  CHECK(store.fresh_number("pv.power", t0 + 24h) == 300.0);
  CHECK_FALSE(store.fresh_number("grid.frequency", t0));  // the last read failed
  CHECK_FALSE(store.fresh_number("battery.soh", t0));     // invalid
  CHECK_FALSE(store.fresh_number("inverter.state", t0));  // text
  CHECK_FALSE(store.fresh_number("no.such.point", t0));
  CHECK(store.get("battery.power", t0 + 31s)->quality == Quality::kStale);

  for (const char* name : {"battery.voltage", "battery.current", "battery.power", "pv.power",
                           "grid.frequency", "battery.soh", "inverter.state", "no.such.point"}) {
    for (auto at : {t0, t0 + 30s, t0 + 31s, t0 + 24h}) {
      auto p = store.get(name, at);
      const bool fresh_numeric =
          p && p->quality == Quality::kOk && std::holds_alternative<double>(p->value);
      INFO(name << " at +" << std::chrono::duration_cast<std::chrono::seconds>(at - t0).count()
                << " s");
      REQUIRE(store.fresh_number(name, at).has_value() == fresh_numeric);
      if (fresh_numeric) CHECK(*store.fresh_number(name, at) == std::get<double>(p->value));
    }
  }
}

TEST_CASE("grid power reading 0 W while grid current flows is estimated and says so",
          "[unit][store]") {
  domain::PointStore store(protocol::RegisterMap::embedded().derived());
  const WallTime t0{std::chrono::seconds(1'700'000'000)};
  auto live = [&](double l1_power, double l1_current) {
    store.apply({{ok("grid.l1.power", l1_power, t0, "W"), ok("grid.l2.power", 0, t0, "W"),
                  ok("grid.l1.current", l1_current, t0, "A"), ok("grid.l2.current", 0, t0, "A"),
                  ok("load.l1.power", 900, t0, "W"), ok("load.l2.power", 300, t0, "W"),
                  ok("battery.voltage", 52.0, t0), ok("battery.current", 10.0, t0, "A"),
                  ok("pv.power", 400, t0, "W")},
                 {},
                 {},
                 30s});
  };
  live(0, 8.0);  // off-grid firmware: 0x023A/0x023B read 0 while 8 A flows
  auto p = store.get("grid.power", t0);
  REQUIRE(p);
  CHECK(p->quality == Quality::kOk);
  // load 1200 W + battery charging 520 W - PV 400 W
  CHECK(std::get<double>(p->value) == Approx(1320.0));
  CHECK(p->note.find("estimated") != std::string::npos);
  live(0, 0.2);  // no grid current: 0 W is the truth
  p = store.get("grid.power", t0);
  CHECK(std::get<double>(p->value) == 0.0);
  CHECK(p->note.empty());
  live(1250, 8.0);  // the firmware reports it: its value, no estimate
  p = store.get("grid.power", t0);
  CHECK(std::get<double>(p->value) == 1250.0);
  CHECK(p->note.empty());
}

TEST_CASE("updates in another order or with other names still land on the right points",
          "[unit][store]") {
  // The store checks the point that followed last time before hashing a name; whatever the
  // order, each value must reach its own point.
  domain::PointStore store;
  WallTime t0{std::chrono::seconds(1'700'000'000)};
  store.apply({{ok("a.one", 1, t0), ok("a.two", 2, t0), ok("a.three", 3, t0)}, {}, {}, 0s});
  store.apply({{ok("a.one", 10, t0), ok("a.three", 30, t0), ok("a.two", 20, t0)}, {}, {}, 0s});
  CHECK(std::get<double>(store.get("a.one", t0)->value) == 10);
  CHECK(std::get<double>(store.get("a.two", t0)->value) == 20);
  CHECK(std::get<double>(store.get("a.three", t0)->value) == 30);
  // Another update starting with the same point, then a new one in between.
  store.apply({{ok("a.one", 11, t0), ok("b.new", 5, t0), ok("a.two", 21, t0)}, {}, {}, 0s});
  // A point replaced by set() in between, and a text value over a number.
  store.set(Point{"a.two", 99.0, "V", Quality::kOk, t0, ""});
  store.apply({{ok("a.one", 12, t0), Point{"a.two", std::string("text"), "", Quality::kOk, t0, ""},
                ok("a.three", 32, t0)},
               {},
               {},
               0s});
  CHECK(std::get<double>(store.get("a.one", t0)->value) == 12);
  CHECK(std::get<std::string>(store.get("a.two", t0)->value) == "text");
  CHECK(store.get("a.two", t0)->unit.empty());
  CHECK(std::get<double>(store.get("a.three", t0)->value) == 32);
  CHECK(std::get<double>(store.get("b.new", t0)->value) == 5);
  CHECK(store.size() == 4);
  // A note set by an earlier stale report is cleared by the next fresh value.
  store.apply({{}, {{"a.one", "timeout", "V"}}, {}, 0s});
  CHECK(store.get("a.one", t0)->note == "timeout");
  store.apply({{ok("a.one", 13, t0)}, {}, {}, 0s});
  CHECK(store.get("a.one", t0)->note.empty());
  CHECK(store.get("a.one", t0)->quality == Quality::kOk);
}

TEST_CASE("keyed updates land on their points in any order, keys that do not match are ignored",
          "[unit][store]") {
  // A key (the register row a point was decoded from) spares the store the name compare; it
  // must never send a value to another point.
  domain::PointStore store;
  WallTime t0{std::chrono::seconds(1'700'000'000)};
  const char k1 = 0, k2 = 0, k3 = 0;
  const auto keyed = [](std::vector<Point> fresh, std::vector<const void*> keys) {
    PointUpdate u;
    u.fresh = std::move(fresh);
    u.fresh_keys = std::move(keys);
    return u;
  };
  const auto value = [&](const char* name) { return std::get<double>(store.get(name, t0)->value); };
  store.apply(
      keyed({ok("a.one", 1, t0), ok("a.two", 2, t0, "A"), ok("a.three", 3, t0)}, {&k1, &k2, &k3}));
  store.apply(keyed({ok("a.one", 10, t0), ok("a.two", 20, t0, "A"), ok("a.three", 30, t0)},
                    {&k1, &k2, &k3}));
  CHECK(value("a.one") == 10);
  CHECK(value("a.two") == 20);
  CHECK(store.get("a.two", t0)->unit == "A");
  CHECK(value("a.three") == 30);
  // Another order: a key that does not follow the one before is found by its name.
  store.apply(keyed({ok("a.three", 31, t0), ok("a.one", 11, t0), ok("a.two", 21, t0, "A")},
                    {&k3, &k1, &k2}));
  CHECK(value("a.one") == 11);
  CHECK(value("a.two") == 21);
  CHECK(value("a.three") == 31);
  // Keys that do not match the points (one key for two points): names decide.
  store.apply(keyed({ok("a.two", 22, t0, "A"), ok("a.one", 12, t0)}, {&k1}));
  CHECK(value("a.one") == 12);
  CHECK(value("a.two") == 22);
  // A point replaced by set() in between is found again by its name.
  store.set(Point{"a.two", 99.0, "A", Quality::kOk, t0, ""});
  store.apply(keyed({ok("a.one", 13, t0), ok("a.two", 23, t0, "A"), ok("a.three", 33, t0)},
                    {&k1, &k2, &k3}));
  CHECK(value("a.one") == 13);
  CHECK(value("a.two") == 23);
  CHECK(value("a.three") == 33);
  CHECK(store.size() == 3);
}
