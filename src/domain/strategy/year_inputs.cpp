// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/year_inputs.hpp"

#include <algorithm>

#include "sunbridge/domain/strategy/calendar.hpp"
#include "sunbridge/domain/strategy/random.hpp"

namespace sb::domain::strategy {

const TariffBand& tariff_band(const Tariff& tariff, Date date, int minute_of_day) {
  const unsigned weekday = std::chrono::weekday{std::chrono::sys_days{date}}.c_encoding();
  const DayType type = (weekday == 0 || weekday == 6) ? DayType::kHoliday : DayType::kWeekday;
  const CivilTime local{static_cast<int>(date.year()),
                        static_cast<int>(static_cast<unsigned>(date.month())),
                        static_cast<int>(static_cast<unsigned>(date.day())),
                        minute_of_day / 60,
                        minute_of_day % 60,
                        0};
  return tariff.band_at(local, type);
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
  in.weather =
      generate_weather_year(setup.year, setup.seed, setup.climate, setup.site, setup.skill);
  const int days = days_in_year(setup.year);
  const auto steps = static_cast<std::size_t>(days) * static_cast<std::size_t>(in.steps_per_day);
  in.pv_kw.reserve(steps);
  in.load_kw.reserve(steps);
  in.price_yen_per_kwh.reserve(steps);
  in.band.reserve(steps);
  SeededRandom load_rng(setup.seed * 0x9E3779B97F4A7C15ULL + 17);
  for (int d = 0; d < days; ++d) {
    const auto date = date_of(setup.year, d);
    const int month = month_of(setup.year, d);
    const double plane_factor =
        setup.climate.plane_factor(in.weather.days[static_cast<std::size_t>(d)]);
    const double day_factor = 1.0 + setup.household.day_spread * (2.0 * load_rng.uniform() - 1.0);
    for (int k = 0; k < in.steps_per_day; ++k) {
      const int minute = k * in.step_min;
      // Sunlight and load at the middle of the step stand for the whole step.
      const double mid = minute + in.step_min / 2.0;
      const double plane = clear_sky_plane_w_m2(setup.site, d + 1, mid) * plane_factor;
      in.pv_kw.push_back(static_cast<float>(pv_ac_kw(setup.site, plane)));
      in.load_kw.push_back(
          static_cast<float>(household_kw(setup.household, month, day_factor, mid)));
      const TariffBand& band = tariff_band(tariff, date, minute);
      in.price_yen_per_kwh.push_back(static_cast<float>(band.yen_per_kwh));
      const auto it = std::find(in.band_names.begin(), in.band_names.end(), band.name);
      in.band.push_back(static_cast<std::uint8_t>(it - in.band_names.begin()));
    }
  }
  return in;
}

}  // namespace sb::domain::strategy
