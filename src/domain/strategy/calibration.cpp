// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/calibration.hpp"

#include <cmath>
#include <map>

#include "sunbridge/domain/strategy/profile_strategy.hpp"

namespace sb::domain::strategy {

namespace {

int month_index(Date d) {
  return static_cast<int>(static_cast<unsigned>(d.month())) - 1;
}

}  // namespace

std::array<std::optional<double>, 12> use_per_day_before(const std::vector<DailyKwh>& days,
                                                         Date system_start, int min_days) {
  std::array<double, 12> sum{};
  std::array<int, 12> count{};
  for (const auto& d : days) {
    if (d.date >= system_start) continue;
    sum[static_cast<std::size_t>(month_index(d.date))] += d.kwh;
    ++count[static_cast<std::size_t>(month_index(d.date))];
  }
  std::array<std::optional<double>, 12> out{};
  for (std::size_t m = 0; m < 12; ++m) {
    if (count[m] >= min_days) out[m] = sum[m] / count[m];
  }
  return out;
}

std::vector<MeteredMonth> months_with_system(const std::vector<DailyKwh>& days, Date system_start,
                                             int min_days) {
  std::map<std::pair<int, int>, MeteredMonth> months;
  const auto start_month =
      std::pair{static_cast<int>(system_start.year()), month_index(system_start) + 1};
  for (const auto& d : days) {
    const auto key = std::pair{static_cast<int>(d.date.year()), month_index(d.date) + 1};
    if (key <= start_month) continue;
    auto& m = months[key];
    m.year = key.first;
    m.month = key.second;
    ++m.days;
    m.kwh += d.kwh;
  }
  std::vector<MeteredMonth> out;
  for (const auto& [key, m] : months) {
    if (m.days >= min_days) out.push_back(m);
  }
  return out;
}

std::array<double, 12> simulate_metered_system(YearSetup setup, const Tariff& tariff,
                                               const Profile& profile,
                                               const ProfileLibrary& library, int years) {
  InverterModel field;
  field.slot1_charges = false;
  setup.site.panels = 6;  // as installed while the meter ran
  const std::uint64_t first_seed = setup.seed;
  std::array<double, 12> simulated{};
  for (int k = 0; k < years; ++k) {
    setup.seed = first_seed + static_cast<std::uint64_t>(k);
    const auto in = build_year_inputs(setup, tariff);
    ProfileStrategy strategy(profile.name(), profile, library, {}, false);
    const auto year = simulate_year(in, field, strategy);
    for (std::size_t m = 0; m < 12; ++m)
      simulated[m] += year.grid_kwh_by_month[m] / years;
  }
  return simulated;
}

CalibrationCheck check_against_meter(const std::vector<MeteredMonth>& metered,
                                     const std::array<double, 12>& simulated_by_month) {
  CalibrationCheck out;
  std::vector<double> measured, simulated;
  for (const auto& m : metered) {
    const std::chrono::year_month_day_last last{std::chrono::year{m.year} /
                                                std::chrono::month{static_cast<unsigned>(m.month)} /
                                                std::chrono::last};
    const double month_days = static_cast<unsigned>(last.day());
    MonthCheck c;
    c.metered = m;
    c.simulated_kwh =
        simulated_by_month[static_cast<std::size_t>(m.month - 1)] * m.days / month_days;
    measured.push_back(m.kwh);
    simulated.push_back(c.simulated_kwh);
    out.months.push_back(c);
  }
  out.mape_pct = mean_absolute_percentage_error(measured, simulated);
  return out;
}

double mean_absolute_percentage_error(const std::vector<double>& measured,
                                      const std::vector<double>& simulated) {
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < measured.size() && i < simulated.size(); ++i) {
    if (measured[i] <= 0) continue;
    sum += std::abs(simulated[i] - measured[i]) / measured[i];
    ++n;
  }
  return n == 0 ? 0.0 : 100.0 * sum / static_cast<double>(n);
}

}  // namespace sb::domain::strategy
