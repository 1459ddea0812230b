// SPDX-License-Identifier: Apache-2.0
// One simulated year's sunlight, household load and tariff, step by step, worked out once and
// shared by every strategy (so they are judged on the same year).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sunbridge/domain/strategy/household.hpp"
#include "sunbridge/domain/strategy/solar.hpp"
#include "sunbridge/domain/strategy/weather_year.hpp"
#include "sunbridge/domain/tariff.hpp"

namespace sb::domain::strategy {

struct YearSetup {
  int year = 2025;
  std::uint64_t seed = 1;
  int step_min = 5;
  PvSite site;
  Climate climate;
  ForecastSkill skill;
  HouseholdModel household;
};

struct YearInputs {
  int year = 2025;
  int step_min = 5;
  int steps_per_day = 288;
  std::vector<float> pv_kw;    // AC power the array could give, per step
  std::vector<float> load_kw;  // household, per step
  std::vector<float> price_yen_per_kwh;
  std::vector<std::uint8_t> band;  // index into band_names, per step
  std::vector<std::string> band_names;
  double basic_yen_per_month = 0;
  WeatherYear weather;
  [[nodiscard]] int days() const { return static_cast<int>(pv_kw.size()) / steps_per_day; }
};

// What each day of a generated year is like: its weather (with the forecasts of it), the share
// of clear-sky sunlight that reaches the panels, and the household's level that day relative to
// the month's. build_year_inputs steps through it; sunbridge-sim runs the same days in real time.
struct YearDays {
  WeatherYear weather;
  std::vector<double> plane_factor;  // day of year - 1
  std::vector<double> load_factor;   // day of year - 1
};
YearDays generate_year_days(const YearSetup& setup);

// The array's AC power and the household's power, kW, at `minute_of_day` (local, fractional) of
// day `day_index` (0-based) of `days`.
double pv_kw_at(const YearSetup& setup, const YearDays& days, int day_index, double minute_of_day);
double load_kw_at(const YearSetup& setup, const YearDays& days, int day_index,
                  double minute_of_day);

// The tariff band in force at a local minute of a date: weekends and, given a calendar, its
// public holidays are the tariff's holidays (the simulated years model weekends only).
const TariffBand& tariff_band(const Tariff& tariff, Date date, int minute_of_day,
                              const HolidayCalendar* holidays = nullptr);

// The tariff's energy rates by band (surcharges and monthly adjustments are left out: they do
// not depend on the strategy's timing, only on the kWh). Weekends are the tariff's holidays.
YearInputs build_year_inputs(const YearSetup& setup, const Tariff& tariff);

}  // namespace sb::domain::strategy
