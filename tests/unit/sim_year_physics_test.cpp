// SPDX-License-Identifier: Apache-2.0
// sunbridge-sim's household under --physics year is the strategy benchmark's model: the same
// days, sunlight, load and inverter behaviour, driven by the settings in the register image.
#include <chrono>
#include <cmath>

#include <catch2/catch.hpp>

#include "sim/household_model.hpp"
#include "sim/register_image.hpp"
#include "sim/year_physics.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/strategy/calendar.hpp"
#include "sunbridge/domain/strategy/inverter_model.hpp"
#include "sunbridge/domain/strategy/year_inputs.hpp"

using namespace sb;
using namespace std::chrono_literals;
namespace ds = sb::domain::strategy;

namespace {

// 00:00 on 2025-01-15 in Japan (UTC+9).
const auto kMidnight = std::chrono::sys_days{std::chrono::year{2025} / 1 / 14} + 15h;
constexpr int kDayIndex = 14;

struct YearSim {
  sim::HouseholdModel house{1};
  sim::RegisterImage image{house, sim::Firmware{}};
  sim::YearPhysics* physics = nullptr;
  explicit YearSim(sim::YearPhysicsOptions options, double soc_pct) {
    auto p = std::make_unique<sim::YearPhysics>(options);
    physics = p.get();
    house.set_physics(std::move(p));
    house.set("battery.soc", soc_pct);
    house.step(kMidnight);  // the clock starts here
  }
  // Steps through `minutes` minutes one minute at a time, from where it is.
  void run(std::chrono::system_clock::time_point from, int minutes) {
    for (int i = 1; i <= minutes; ++i)
      house.step(from + std::chrono::minutes(i));
  }
};

struct DayTotals {
  double pv_kwh = 0, grid_kwh = 0, load_kwh = 0, soc_pct = 0;
};

// The same day through the benchmark's inputs and inverter model, minute by minute.
DayTotals benchmark_day(std::uint64_t seed, double soc_pct, bool slot1_charges) {
  ds::YearSetup setup;
  setup.year = 2025;
  setup.seed = seed;
  setup.step_min = 1;
  const ds::YearDays days = ds::generate_year_days(setup);
  ds::InverterModel m;
  m.slot1_charges = slot1_charges;
  const ds::ControlSettings c;
  ds::BatteryState state;
  state.soc_pct = soc_pct;
  DayTotals t;
  for (int k = 0; k < 1440; ++k) {
    ds::StepInput in;
    in.minute_of_day = k;
    in.step_min = 1;
    in.pv_kw = ds::pv_kw_at(setup, days, kDayIndex, k + 0.5);
    in.load_kw = ds::load_kw_at(setup, days, kDayIndex, k + 0.5);
    const ds::StepFlows f = ds::step(m, c, state, in);
    t.pv_kwh += f.pv - f.pv_lost;
    t.grid_kwh += f.grid();
    t.load_kwh += f.load;
  }
  t.soc_pct = state.soc_pct;
  return t;
}

}  // namespace

TEST_CASE("sim year physics: a day of the simulator is the benchmark's day", "[unit][sim]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  for (const bool slot1 : {false, true}) {
    sim::YearPhysicsOptions options;
    options.seed = 3;
    options.slot1_charges = slot1;
    YearSim s(options, 30);
    const double pv0 = s.house.get("energy.pv.total");
    const double grid0 = s.house.get("energy.grid.total");
    const double load0 = s.house.get("energy.load.total");
    s.run(kMidnight, 1440);
    const DayTotals expected = benchmark_day(3, 30, slot1);
    INFO("slot 1 charges: " << slot1);
    CHECK(expected.pv_kwh > 1.0);  // a January day has sunshine to compare
    CHECK(s.house.get("energy.pv.total") - pv0 == Approx(expected.pv_kwh).margin(0.01));
    CHECK(s.house.get("energy.grid.total") - grid0 == Approx(expected.grid_kwh).margin(0.01));
    CHECK(s.house.get("energy.load.total") - load0 == Approx(expected.load_kwh).margin(0.01));
    CHECK(s.house.get("battery.soc") == Approx(expected.soc_pct).margin(0.01));
  }
  // Slot 1 makes a difference that night (the field's dead slot is the default).
  CHECK(benchmark_day(3, 30, true).grid_kwh > benchmark_day(3, 30, false).grid_kwh + 1.0);
}

TEST_CASE("sim year physics: the registers show the night and the day", "[unit][sim]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  YearSim s({}, 40);
  // 02:00: no sun, the EcoCute runs (1.5 kW in January) on the battery; slot 1 is dead.
  s.run(kMidnight, 120);
  CHECK(s.house.get("pv.power") == 0);
  CHECK(s.house.get("load.l1.power") + s.house.get("load.l2.power") > 1500);
  CHECK(s.house.get("battery.current") < -20);
  CHECK(s.house.get("battery.ac_charge_current") == 0);
  CHECK(s.house.get("grid.l1.power") + s.house.get("grid.l2.power") == 0);
  // 05:00: slot 2 charges at min(07, 28) = 50 A from the grid, and the grid carries the house.
  s.run(kMidnight + 120min, 180);
  CHECK(s.house.get("battery.ac_charge_current") > 40);
  CHECK(s.house.get("grid.l1.power") + s.house.get("grid.l2.power") > 2500);
  CHECK(s.image.running());
  // 07 written as 20 A: slot 2 charges at 20 A from the next step on.
  REQUIRE(s.image.write(0xE20A, std::array<std::uint16_t, 1>{200}, false) == 0);
  s.run(kMidnight + 300min, 1);
  CHECK(s.house.get("battery.ac_charge_current") == Approx(20 * 0.95 * 54 / 52).margin(2));
  // 12:00: the sun is up on the panels.
  s.run(kMidnight + 301min, 419);
  CHECK(s.house.get("pv.power") > 200);
}

TEST_CASE("sim year physics: the household's time can run faster", "[unit][sim]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  sim::YearPhysicsOptions options;
  options.speed = 60;
  YearSim s(options, 50);
  const double load0 = s.house.get("energy.load.total");
  // Twelve wall-clock minutes at 60 times are twelve hours of the household: noon, the sun up.
  for (int i = 1; i <= 720; ++i)
    s.house.step(kMidnight + std::chrono::seconds(i));
  CHECK(s.physics->household_time(kMidnight + 720s) == kMidnight + 12h);
  CHECK(s.house.get("pv.power") > 200);
  // The counters count the household's twelve hours (a January house uses ~30 kWh a day).
  CHECK(s.house.get("energy.load.total") - load0 > 10);
  CHECK(s.house.get("energy.load.total") - load0 < 25);
}
