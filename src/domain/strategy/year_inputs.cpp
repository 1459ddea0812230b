// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/year_inputs.hpp"

#include <algorithm>
#include <utility>

#include "sunbridge/domain/strategy/calendar.hpp"
#include "sunbridge/domain/strategy/random.hpp"

namespace sb::domain::strategy {

const TariffBand& tariff_band(const Tariff& tariff, Date date, int minute_of_day,
                              const HolidayCalendar* holidays) {
  const unsigned weekday = std::chrono::weekday{std::chrono::sys_days{date}}.c_encoding();
  const DayType type = holidays != nullptr              ? holidays->day_type(date)
                       : (weekday == 0 || weekday == 6) ? DayType::kHoliday
                                                        : DayType::kWeekday;
  const CivilTime local{static_cast<int>(date.year()),
                        static_cast<int>(static_cast<unsigned>(date.month())),
                        static_cast<int>(static_cast<unsigned>(date.day())),
                        minute_of_day / 60,
                        minute_of_day % 60,
                        0};
  return tariff.band_at(local, type);
}

YearDays generate_year_days(const YearSetup& setup) {
  YearDays out;
  out.weather =
      generate_weather_year(setup.year, setup.seed, setup.climate, setup.site, setup.skill);
  const int days = days_in_year(setup.year);
  out.plane_factor.reserve(static_cast<std::size_t>(days));
  out.load_factor.reserve(static_cast<std::size_t>(days));
  SeededRandom load_rng(setup.seed * 0x9E3779B97F4A7C15ULL + 17);
  for (int d = 0; d < days; ++d) {
    out.plane_factor.push_back(
        setup.climate.plane_factor(out.weather.days[static_cast<std::size_t>(d)]));
    out.load_factor.push_back(1.0 + setup.household.day_spread * (2.0 * load_rng.uniform() - 1.0));
  }
  return out;
}

double pv_kw_at(const YearSetup& setup, const YearDays& days, int day_index, double minute_of_day) {
  const double plane = clear_sky_plane_w_m2(setup.site, day_index + 1, minute_of_day) *
                       days.plane_factor[static_cast<std::size_t>(day_index)];
  return pv_ac_kw(setup.site, plane);
}

double load_kw_at(const YearSetup& setup, const YearDays& days, int day_index,
                  double minute_of_day) {
  return household_kw(setup.household, month_of(setup.year, day_index),
                      days.load_factor[static_cast<std::size_t>(day_index)], minute_of_day);
}

YearInputs build_year_inputs(const YearSetup& setup, const Tariff& tariff) {
  YearInputs in;
  in.year = setup.year;
  in.step_min = std::clamp(setup.step_min, 1, 60);
  in.steps_per_day = 24 * 60 / in.step_min;
  in.basic_yen_per_month = tariff.basic_yen_per_month();
  for (const auto& b : tariff.bands()) {
    if (std::find(in.band_names.begin(), in.band_names.end(), b.name) == in.band_names.end()) {
      in.band_names.push_back(b.name);
    }
  }
  YearDays year_days = generate_year_days(setup);
  const int days = days_in_year(setup.year);
  const auto steps = static_cast<std::size_t>(days) * static_cast<std::size_t>(in.steps_per_day);
  in.pv_kw.reserve(steps);
  in.load_kw.reserve(steps);
  in.price_yen_per_kwh.reserve(steps);
  in.band.reserve(steps);
  for (int d = 0; d < days; ++d) {
    const auto date = date_of(setup.year, d);
    for (int k = 0; k < in.steps_per_day; ++k) {
      const int minute = k * in.step_min;
      // Sunlight and load at the middle of the step stand for the whole step.
      const double mid = minute + in.step_min / 2.0;
      in.pv_kw.push_back(static_cast<float>(pv_kw_at(setup, year_days, d, mid)));
      in.load_kw.push_back(static_cast<float>(load_kw_at(setup, year_days, d, mid)));
      const TariffBand& band = tariff_band(tariff, date, minute);
      in.price_yen_per_kwh.push_back(static_cast<float>(band.yen_per_kwh));
      const auto it = std::find(in.band_names.begin(), in.band_names.end(), band.name);
      in.band.push_back(static_cast<std::uint8_t>(it - in.band_names.begin()));
    }
  }
  in.weather = std::move(year_days.weather);
  return in;
}

}  // namespace sb::domain::strategy
