// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/profile_strategy.hpp"

#include "sunbridge/domain/strategy/calendar.hpp"
#include "sunbridge/domain/strategy/control_settings.hpp"

namespace sb::domain::strategy {

DayKind day_kind(DayWeather w) {
  switch (w) {
    case DayWeather::kSunny:
      return DayKind::kSunny;
    case DayWeather::kNormal:
      return DayKind::kCloudy;
    case DayWeather::kRainy:
      return DayKind::kRainy;
  }
  return DayKind::kUnknown;
}

ProfileStrategy::ProfileStrategy(std::string name, const Profile& profile,
                                 const ProfileLibrary& library, WeatherPolicy policy,
                                 bool use_forecast)
    : name_(std::move(name)),
      profile_(&profile),
      library_(&library),
      policy_(std::move(policy)),
      use_forecast_(use_forecast) {}

ControlSettings ProfileStrategy::choose(const Decision& decision) {
  const int year = decision.inputs->year;
  // The evening before the served day at 22:00 (the first decision: the year's first minute).
  CivilTime local;
  if (decision.forecast == nullptr) {
    local = CivilTime{year, 1, 1, 0, 0, 0};
  } else {
    const auto eve = date_of(year, decision.served_day - 1);
    local = CivilTime{year,
                      static_cast<int>(static_cast<unsigned>(eve.month())),
                      static_cast<int>(static_cast<unsigned>(eve.day())),
                      kDecisionMinute / 60,
                      kDecisionMinute % 60,
                      0};
  }
  SelectionInput in;
  in.now = from_local_civil(local).value_or(WallTime{});
  in.profile = profile_;
  in.library = library_;
  in.policy = policy_;
  in.memory = memory_;
  Forecast forecast;
  if (use_forecast_ && decision.forecast != nullptr) {
    forecast.provider = "model";
    forecast.fetched_at = in.now;
    forecast.issued_at = in.now - std::chrono::hours(5);  // the 17:00 issue
    const auto served = std::chrono::sys_days{date_of(year, decision.served_day)};
    for (std::size_t k = 0; k < decision.forecast->size(); ++k) {
      DayForecast day;
      day.date = Date{served + std::chrono::days{static_cast<int>(k)}};
      day.kind = day_kind((*decision.forecast)[k]);
      forecast.days.push_back(day);
    }
    in.forecast = &forecast;
  }
  const Selection s = select(in);
  memory_ = s.memory;
  if (s.hold) return decision.current;
  return control_settings_from(s.values).value_or(decision.current);
}

}  // namespace sb::domain::strategy
