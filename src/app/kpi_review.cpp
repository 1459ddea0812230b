// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/kpi_review.hpp"

#include <algorithm>
#include <cstdio>

#include "sunbridge/adapters/energy_store.hpp"
#include "sunbridge/adapters/settings_store.hpp"
#include "sunbridge/core/local_time.hpp"

namespace sb::app {

namespace {

constexpr const char* kReviewedKey = "kpi.reviewed";
constexpr int kReviewMinute = 7 * 60 + 10;  // the night is over, its last samples are in

}  // namespace

KpiReview::KpiReview(adapters::HistoryStore& history, const TariffService& tariff,
                     std::function<void(const Event&)> record_event)
    : history_(history), tariff_(tariff), record_event_(std::move(record_event)) {
  if (auto v = adapters::SettingsStore(history_.db()).get(kReviewedKey);
      v && *v && (*v)->is_string()) {
    reviewed_ = (*v)->get<std::string>();
  }
}

domain::DayKpis KpiReview::day_kpis(const std::string& day) {
  domain::DayKpis k;
  k.day = day;
  const auto date = domain::parse_date(day);
  if (!date) return k;
  k.month = static_cast<int>(static_cast<unsigned>(date->month()));
  // Daytime: every band but the night one (07:00-23:00 in the shipped plans).
  const std::string& night = tariff_.tariff().night_band();
  if (auto rows = adapters::EnergyStore(history_.db()).query(day, day)) {
    double bought = 0, load = 0;
    for (const auto& r : *rows) {
      if (r.band == night) continue;
      bought += r.flows.grid_import_kwh;
      load += r.flows.load_kwh;
    }
    if (load > 0) k.grid_dependency_pct = 100.0 * bought / load;
  }
  // The night after: from the lowest SOC after 23:00 to the SOC at 07:00 the next morning.
  const domain::Date next{std::chrono::sys_days(*date) + std::chrono::days(1)};
  const auto from = domain::local_time_on(*date, 23), to = domain::local_time_on(next, 7);
  if (from && to) {
    if (auto samples = history_.query(*from, *to + std::chrono::minutes(1), {"battery.soc"})) {
      std::optional<double> lowest, last;
      for (const auto& s : *samples) {
        if (!s.value) continue;
        lowest = lowest ? std::min(*lowest, *s.value) : *s.value;
        last = s.value;
      }
      if (lowest && last) k.night_charge_pct = *last - *lowest;
    }
  }
  return k;
}

void KpiReview::run(WallTime now, bool clock_trusted) {
  if (!clock_trusted) return;
  const CivilTime local = to_local_civil(now);
  if (local.hour * 60 + local.minute < kReviewMinute) return;
  const domain::Date today = domain::to_date(local);
  const std::string today_text = domain::format_date(today);
  if (reviewed_ && *reviewed_ >= today_text) return;
  std::vector<domain::DayKpis> days;
  for (int back = domain::kGridDependencyStreakDays; back >= 1; --back) {
    days.push_back(day_kpis(
        domain::format_date(domain::Date{std::chrono::sys_days(today) - std::chrono::days(back)})));
  }
  for (const auto& f : domain::review_kpis(days)) {
    record_event_(Event{now,
                        f.kind,
                        f.severity,
                        f.message + "; the guide's response: " + f.suggestion,
                        {{"day", f.day}, {"suggestion", f.suggestion}}});
  }
  reviewed_ = today_text;
  (void)adapters::SettingsStore(history_.db()).put(kReviewedKey, today_text, now);
}

}  // namespace sb::app
