// SPDX-License-Identifier: Apache-2.0
// The automatic mode's chooser: within the interlocks and the write budget over simulated days,
// a change only when it pays for its writes, and a reason a homeowner can read.
#include <catch2/catch.hpp>

#include "shipped_data.hpp"
#include "sunbridge/app/settings_controller.hpp"
#include "sunbridge/app/tariff_service.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/strategy/auto_chooser.hpp"
#include "sunbridge/domain/strategy/auto_strategy.hpp"
#include "sunbridge/domain/strategy/control_settings.hpp"
#include "sunbridge/domain/strategy/profile_strategy.hpp"

using namespace sb;
using namespace sb::domain::strategy;

namespace {

// Passes the choices through and checks each against the rules the settings writer enforces.
class Checked : public Strategy {
 public:
  Checked(Strategy& inner, domain::SettingValues baseline, domain::BudgetPolicy budget)
      : inner_(inner), baseline_(std::move(baseline)), budget_(budget) {}
  [[nodiscard]] std::string name() const override { return inner_.name(); }
  ControlSettings choose(const Decision& d) override {
    const ControlSettings c = inner_.choose(d);
    domain::SettingValues after = baseline_;
    for (auto& [id, v] : to_setting_values(c))
      after[id] = v;
    const auto broken = domain::check_interlocks(after, {}, domain::profile_parameters());
    interlock_violations += broken.empty() ? 0 : 1;
    const auto changed = changed_parameters(d.current, c);
    if (d.forecast != nullptr && domain::check_budget(budget_, {}, changed)) ++budget_violations;
    ++decisions;
    return c;
  }
  int interlock_violations = 0, budget_violations = 0, decisions = 0;

 private:
  Strategy& inner_;
  domain::SettingValues baseline_;
  domain::BudgetPolicy budget_;
};

}  // namespace

TEST_CASE("automatic mode keeps the interlocks and the write budget over a simulated year",
          "[unit][strategy]") {
  REQUIRE(set_process_timezone("Asia/Tokyo"));
  const auto tariff = test::shipped_tariff();
  YearSetup setup;
  setup.seed = 4;
  const auto in = build_year_inputs(setup, tariff);
  const auto candidates = auto_candidates({}, ControlRanges{}, test::shipped_baseline(), {});
  REQUIRE(candidates.coming_night.size() == 1500);
  // A tight budget: two writes a day at most, one per parameter.
  const domain::BudgetPolicy budget{1, 2};
  const InverterModel model;
  AutoPolicy policy;
  policy.model_step_min = 30;  // the same chooser, coarser inside: keeps the suite fast
  AutoStrategy automatic({setup.site, setup.climate, setup.household}, tariff, candidates, model,
                         policy, budget);
  Checked checked(automatic, test::shipped_baseline(), budget);
  const auto r = simulate_year(in, model, checked);
  CHECK(checked.decisions == 365);
  CHECK(checked.interlock_violations == 0);
  CHECK(checked.budget_violations == 0);
  CHECK(r.writes > 0);
  CHECK(r.writes <= 2 * r.change_days);
  CHECK(r.worst_balance_kwh < 1e-9);
  // It explains itself.
  CHECK_FALSE(automatic.last().reason.empty());
  CHECK(automatic.last().reason.find("yen over 3 days") != std::string::npos);
  // Cheaper than Type B over the same year.
  const auto library = app::load_profile_library("");
  ProfileStrategy type_b("Type B", *library.find("type-b"), library, {}, false);
  CHECK(r.cost_yen() < simulate_year(in, model, type_b).cost_yen());
}

TEST_CASE("automatic mode writes only when the expected saving pays for the writes",
          "[unit][strategy]") {
  const auto tariff = test::shipped_tariff();
  YearSetup setup;
  const auto in = build_year_inputs(setup, tariff);
  const auto candidates = auto_candidates({}, ControlRanges{}, test::shipped_baseline(), {});
  const ExpectedDays e = expected_days(
      setup.site, setup.climate, setup.household, tariff,
      domain::Date{std::chrono::year{2025}, std::chrono::month{1}, std::chrono::day{20}},
      {DayWeather::kSunny, DayWeather::kSunny, DayWeather::kRainy}, 3, 15);
  REQUIRE(e.pv_kw.size() == 3 * 96);
  // 22:00 to 24:00: no sun; the next noon (sunny): some.
  CHECK(e.pv_kw[0] == 0.0F);
  CHECK(e.pv_kw[56] > 0.5F);
  CHECK(e.price_yen_per_kwh[0] == Approx(31.32));  // 22:00, day rate
  CHECK(e.price_yen_per_kwh[8] == Approx(14.95));  // 00:00, night
  AutoContext ctx;
  ctx.candidates = &candidates;
  ctx.battery = BatteryState{40, false, 0};
  ctx.current = ControlSettings{25, 15, 150, 70};  // a poor choice for a winter night
  AutoPolicy policy;
  const InverterModel model;
  const auto chosen = choose_auto(e, model, ctx, policy);
  REQUIRE_FALSE(chosen.changed.empty());
  CHECK(chosen.expected_cost_yen <
        chosen.keep_cost_yen -
            policy.min_saving_yen_per_write * static_cast<double>(chosen.changed.size()));
  // Asked again from its own choice, it keeps it.
  ctx.current = chosen.settings;
  const auto again = choose_auto(e, model, ctx, policy);
  CHECK(again.changed.empty());
  CHECK(again.reason.find("keeping") == 0);
  // When no saving can pay for a write, nothing is written.
  policy.min_saving_yen_per_write = 1e6;
  ctx.current = ControlSettings{25, 15, 150, 70};
  CHECK(choose_auto(e, model, ctx, policy).changed.empty());
  // A budget already spent today allows no write either.
  policy.min_saving_yen_per_write = 20;
  ctx.used_today.total = 16;
  CHECK(choose_auto(e, model, ctx, policy).changed.empty());
}

TEST_CASE("automatic mode prices a public holiday as the tariff's holiday", "[unit][strategy]") {
  // A plan whose day rate is cheaper on holidays; 2027-01-11 (Coming of Age Day) is a Monday.
  schema::Issues issues;
  const auto tariff = domain::Tariff::from_json(R"({
    "schema": "sunbridge.tariff/1", "name": "holiday-test", "basic_yen_per_month": 0,
    "bands": [
      {"name": "holiday-day", "yen_per_kwh": 20, "days": "holiday", "months": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], "from": "07:00", "to": "23:00"},
      {"name": "day", "yen_per_kwh": 30, "days": "weekday", "months": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], "from": "07:00", "to": "23:00"},
      {"name": "night", "yen_per_kwh": 15, "months": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], "from": "23:00", "to": "07:00"}]})",
                                                issues);
  INFO(schema::format_issues(issues, "tariff"));
  REQUIRE(tariff);
  const domain::HolidayCalendar holidays = app::load_holidays();
  const domain::Date served{std::chrono::year{2027}, std::chrono::January, std::chrono::day{11}};
  REQUIRE(holidays.is_public_holiday(served));
  const auto noon_price = [&](const domain::HolidayCalendar* calendar) {
    const ExpectedDays e = expected_days(PvSite{}, Climate{}, HouseholdModel{}, *tariff, served, {},
                                         1, 60, std::nullopt, calendar);
    // Steps start at 22:00 the evening before: noon is 14 hours in.
    return e.price_yen_per_kwh.at(14);
  };
  CHECK(noon_price(nullptr) == 30.0f);    // weekends only: a Monday is a weekday
  CHECK(noon_price(&holidays) == 20.0f);  // with the calendar: a holiday
}
