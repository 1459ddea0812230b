// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/selection.hpp"

namespace sb::domain {

namespace {

using std::chrono::sys_days;

Date add_days(Date d, int n) {
  return Date{sys_days(d) + std::chrono::days(n)};
}

int days_between(Date from, Date to) {
  return static_cast<int>((sys_days(to) - sys_days(from)).count());
}

bool rainy_kind(DayKind k) {
  return k == DayKind::kRainy || k == DayKind::kSnowy;  // snow needs the night charge as much
}

// Consecutive forecast days from `from` that satisfy `pred`.
template <typename Pred>
int streak(const Forecast& f, Date from, Pred pred) {
  int n = 0;
  for (Date d = from;; d = add_days(d, 1), ++n) {
    const DayForecast* day = f.day(d);
    if (day == nullptr || !pred(day->kind)) return n;
  }
}

struct Assessment {
  bool available = false;
  WeatherMode candidate = WeatherMode::kNormal;
  int sunny = 0;
  int rainy = 0;
  bool high_demand = false;
  std::string why;  // for the candidate
};

std::string fmt_c(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f C", v);
  return buf;
}

Assessment assess(const SelectionInput& in, Date served) {
  Assessment a;
  if (in.forecast == nullptr) {
    a.why = "no forecast: normal row (a weather mode is never guessed)";
    return a;
  }
  const Forecast& f = *in.forecast;
  if (!in.policy.forecast_current(f.fetched_at, in.now)) {
    a.why = "forecast from " + format_local(f.fetched_at) + " is too old: normal row";
    return a;
  }
  const DayForecast* day = f.day(served);
  if (day == nullptr) {
    a.why = "forecast does not cover " + format_date(served) + ": normal row";
    return a;
  }
  a.available = true;
  a.sunny = streak(f, served, [](DayKind k) { return k == DayKind::kSunny; });
  a.rainy = streak(f, served, rainy_kind);
  const std::string from = " from " + format_date(served);
  if (day->temp_max_c && *day->temp_max_c >= in.policy.heat_c) {
    a.high_demand = true;
    a.candidate = WeatherMode::kRainy;
    a.why = "high demand: max " + fmt_c(*day->temp_max_c) + " forecast for " + format_date(served);
  } else if (day->temp_min_c && *day->temp_min_c <= in.policy.cold_c) {
    a.high_demand = true;
    a.candidate = WeatherMode::kRainy;
    a.why = "high demand: min " + fmt_c(*day->temp_min_c) + " forecast for " + format_date(served);
  } else if (a.rainy >= in.policy.streak_days) {
    a.candidate = WeatherMode::kRainy;
    a.why = std::to_string(a.rainy) + " rainy days forecast" + from;
  } else if (a.sunny >= in.policy.streak_days) {
    a.candidate = WeatherMode::kSunny;
    a.why = std::to_string(a.sunny) + " sunny days forecast" + from;
  } else {
    a.why = "no 3-day spell forecast" + from + " (" + std::to_string(a.sunny) + " sunny, " +
            std::to_string(a.rainy) + " rainy)";
  }
  return a;
}

// Hysteresis: leave an active spell only when it has (almost) ended and it has been held long
// enough; each change costs non-volatile writes (profiles.md section 6).
WeatherMode apply_hysteresis(const SelectionInput& in, const Assessment& a, WeatherMemory& memory,
                             std::string& why) {
  if (!a.available) {
    memory = {WeatherMode::kNormal, memory.mode == WeatherMode::kNormal ? memory.since : in.now};
    return WeatherMode::kNormal;
  }
  const WeatherMode current = memory.mode;
  if (a.candidate == current) return current;
  if (memory.since && in.now - *memory.since < in.policy.min_hold) {
    why = std::string(to_string(current)) + " held until " +
          format_local(*memory.since + in.policy.min_hold) + " (minimum hold); " + a.why;
    return current;
  }
  const int remaining = current == WeatherMode::kSunny   ? a.sunny
                        : current == WeatherMode::kRainy ? (a.high_demand ? a.rainy + 1 : a.rainy)
                                                         : 0;
  if (a.candidate == WeatherMode::kNormal && current != WeatherMode::kNormal &&
      remaining >= in.policy.exit_streak_days) {
    why = std::string(to_string(current)) + " spell continues: " + std::to_string(remaining) +
          " more " + to_string(current) + " days forecast";
    return current;
  }
  memory = {a.candidate, in.now};
  return a.candidate;
}

}  // namespace

void Overrides::expire(WallTime now, Date served) {
  if (hold && hold->until <= now) hold.reset();
  if (pin && pin->until <= now) pin.reset();
  if (away && sys_days(served) > sys_days(away->to)) away.reset();
}

std::string Selection::key() const {
  std::string k = profile + "/" + season;
  if (weather_rows) k += std::string("/") + to_string(weather);
  return k;
}

Date served_day(const CivilTime& local) {
  const Date today = to_date(local);
  return local.hour < 7 ? today : add_days(today, 1);
}

const Profile* away_profile(const SelectionInput& in, int month) {
  if (in.profile != nullptr && in.profile->find(month, WeatherMode::kSunny) != nullptr) {
    return in.profile;
  }
  if (in.library == nullptr) return nullptr;
  const Profile* p = in.library->find(in.policy.away_profile);
  return p != nullptr && p->find(month, WeatherMode::kSunny) != nullptr ? p : nullptr;
}

Selection select(const SelectionInput& in) {
  const CivilTime local = to_local_civil(in.now);
  const Date served = served_day(local);
  Overrides overrides = in.overrides;
  overrides.expire(in.now, served);

  Selection s;
  s.memory = in.memory;
  const Profile* profile = in.profile;
  WeatherMode mode = WeatherMode::kNormal;
  std::string why;
  s.source = "schedule";

  if (overrides.pin && in.library != nullptr && in.library->find(overrides.pin->profile)) {
    profile = in.library->find(overrides.pin->profile);
    mode = overrides.pin->weather;
    s.source = "override";
    why = "pinned until " + format_local(overrides.pin->until);
  } else if (const Profile* away = overrides.away ? away_profile(in, local.month) : nullptr;
             away != nullptr && sys_days(served) >= sys_days(overrides.away->from) &&
             days_between(overrides.away->from, overrides.away->to) + 1 >=
                 in.policy.away_min_days) {
    profile = away;
    mode = WeatherMode::kSunny;
    s.source = "override";
    why = "away " + format_date(overrides.away->from) + " to " + format_date(overrides.away->to) +
          ": energy saving";
  } else {
    const Assessment a = assess(in, served);
    why = a.why;
    mode = apply_hysteresis(in, a, s.memory, why);
    if (mode != WeatherMode::kNormal) s.source = "weather";
  }

  const int month = local.month;
  const ProfileRow* row = profile->find(month, mode);
  if (row == nullptr) {
    if (mode != WeatherMode::kNormal) {
      why = profile->name() + " has no weather rows (" + why + ")";
      s.source = s.source == "override" ? "override" : "schedule";
    }
    mode = WeatherMode::kNormal;
    row = profile->find(month, WeatherMode::kNormal);
  }
  s.profile = profile->name();
  s.season = row->season;
  s.weather = mode;
  s.weather_rows = profile->find(month, WeatherMode::kSunny) != nullptr ||
                   profile->find(month, WeatherMode::kRainy) != nullptr;
  s.values = row->values;
  if (overrides.hold) {
    s.hold = true;
    s.hold_until = overrides.hold->until;
    s.source = "override";
    s.reason = s.key() + ": on hold until " + format_local(overrides.hold->until) +
               " (the inverter keeps its current values)";
    return s;
  }
  s.reason = s.key() + ": " + why;
  return s;
}

std::vector<PlannedChange> plan(const SelectionInput& in, std::chrono::hours horizon,
                                std::size_t max_entries) {
  std::vector<PlannedChange> out;
  SelectionInput step = in;
  const auto first_hour =
      std::chrono::ceil<std::chrono::hours>(in.now.time_since_epoch()) + std::chrono::hours(0);
  std::optional<Selection> previous;
  // The forecast as it is now, not aged: the plan shows what this forecast implies.
  std::optional<Forecast> current;
  if (in.forecast != nullptr) current = *in.forecast;
  step.forecast = current ? &*current : nullptr;
  auto consider = [&](WallTime at) {
    step.now = at;
    if (current) current->fetched_at = at;
    Selection s = select(step);
    step.memory = s.memory;
    PlannedChange c{at, s.key(), s.values, {}, s.reason, s.hold, s.source};
    if (previous) {
      for (const auto& [lcd, v] : s.values) {
        auto it = previous->values.find(lcd);
        if (it == previous->values.end() || !same_setting(it->second, v)) c.changed.push_back(lcd);
      }
      // An override starting or ending is shown even when its row has the same values.
      const bool override_edge = (s.source == "override") != (previous->source == "override");
      if (c.changed.empty() && s.hold == previous->hold && !override_edge) return;
    }
    out.push_back(std::move(c));
    previous = std::move(s);
  };
  consider(in.now);
  const WallTime end = in.now + horizon;
  for (WallTime t{first_hour}; t <= end && out.size() < max_entries; t += std::chrono::hours(1)) {
    if (t == in.now) continue;
    consider(t);
  }
  return out;
}

}  // namespace sb::domain
