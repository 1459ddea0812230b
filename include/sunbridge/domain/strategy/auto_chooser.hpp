// SPDX-License-Identifier: Apache-2.0
// The automatic mode's choice for the coming night: the settings (07, 10, 41, 62) that minimise
// the expected cost over the next days, with the forecast and a load forecast, within the
// interlocks (the candidates are only allowed combinations), the write budget, and a minimum
// saving per parameter written (a flash write must pay for itself). Pure: the same code runs in
// the benchmark and in the daemon. docs/strategy.md "Automatic mode".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sunbridge/domain/strategy/household.hpp"
#include "sunbridge/domain/strategy/inverter_model.hpp"
#include "sunbridge/domain/strategy/optimum.hpp"
#include "sunbridge/domain/strategy/solar.hpp"
#include "sunbridge/domain/strategy/weather_year.hpp"
#include "sunbridge/domain/tariff.hpp"
#include "sunbridge/domain/write_budget.hpp"

namespace sb::domain::strategy {

struct AutoPolicy {
  int horizon_days = 3;
  int model_step_min = 15;
  // The nights after the coming one are planned on a coarser grid (their settings are chosen
  // again on their own evening), over SOC in steps of this many percent.
  ControlRanges later_ranges{{30, 45, 60, 70}, {30, 60}, {180}, {30, 45, 60}};
  double later_soc_step_pct = 10;
  // A change is made only when it is expected to save at least this much per parameter written
  // over the horizon.
  double min_saving_yen_per_write = 20;
};

// What the chooser expects from the decision time (22:00) on, step by step.
struct ExpectedDays {
  int step_min = 15;
  int first_minute = 22 * 60;  // local minute of the first step
  std::vector<float> pv_kw, load_kw, price_yen_per_kwh;
  [[nodiscard]] int steps_per_day() const { return 24 * 60 / step_min; }
};

// Expected sunlight (clear sky times the forecast kind's share), load (the household model at
// its month's level, or `load_kw_by_hour` when the gateway has learned it) and prices for
// `days` days from 22:00 on the evening before `served` (forecast[k] is day served + k; missing
// days count as normal).
ExpectedDays expected_days(const PvSite& site, const Climate& climate,
                           const HouseholdModel& household, const Tariff& tariff, Date served,
                           const std::vector<DayWeather>& forecast, int days, int step_min,
                           const std::optional<std::array<double, 24>>& load_kw_by_hour = {},
                           const HolidayCalendar* holidays = nullptr);

struct AutoChoice {
  ControlSettings settings;
  std::vector<std::string> changed;        // LCD ids to write
  double expected_cost_yen = 0;            // over the horizon, with `settings`
  double keep_cost_yen = 0;                // the same with the current settings
  std::optional<double> compare_cost_yen;  // the same with AutoContext::compare
  std::string reason;                      // one line for the audit and `profile show`
};

// The combinations the chooser may pick for the coming night and plans the later nights with,
// both only what the interlocks allow with the baseline.
struct AutoCandidates {
  std::vector<ControlSettings> coming_night;
  std::vector<ControlSettings> later_nights;
};
AutoCandidates auto_candidates(const AutoPolicy& policy, const ControlRanges& coming_night,
                               const SettingValues& baseline, const InterlockLimits& limits);

struct AutoContext {
  const AutoCandidates* candidates = nullptr;
  BatteryState battery;
  ControlSettings current;
  BudgetPolicy budget;
  BudgetUsage used_today;
  // Settings to price beside the choice (what the seasonal table would choose), for the reason.
  std::optional<ControlSettings> compare;
};

AutoChoice choose_auto(const ExpectedDays& expected, const InverterModel& model,
                       const AutoContext& context, const AutoPolicy& policy);

}  // namespace sb::domain::strategy
