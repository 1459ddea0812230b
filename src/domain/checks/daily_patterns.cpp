// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/daily_patterns.hpp"

#include <algorithm>
#include <cstdio>

#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/forecast.hpp"

namespace sb::domain::checks {

namespace {

std::optional<double> median_of(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string hhmm(double minutes) {
  return format_time_of_day(std::chrono::minutes(static_cast<int>(minutes + 0.5)));
}

}  // namespace

DailyPatterns::DailyPatterns(DailyRule rule)
    : rule_(rule),
      morning_(initial_status("battery.morning_soc", "%",
                              "07:00 SOC not more than " + fixed(rule.morning_drop_pct, 0) +
                                  " points below its " + std::to_string(rule.history_days) +
                                  "-day median",
                              "learning")),
      charge_(initial_status("battery.daytime_full", "min",
                             "full (" + fixed(rule.full_soc_pct, 0) + " %) not more than " +
                                 std::to_string(rule.late_by.count()) + " min after the usual time",
                             "learning")),
      pv_(initial_status("pv.monthly", "kWh",
                         "a month's PV energy not more than " + fixed(rule.pv_drop_pct, 0) +
                             " % below the same month last year",
                         "learning")) {}

std::optional<double> DailyPatterns::median_morning() const {
  std::vector<double> v;
  for (const auto& d : days_)
    if (d.morning_soc_pct) v.push_back(*d.morning_soc_pct);
  if (static_cast<int>(v.size()) < rule_.min_days) return std::nullopt;
  return median_of(v);
}

std::optional<double> DailyPatterns::median_full_min() const {
  std::vector<double> v;
  for (const auto& d : days_)
    if (d.full_min) v.push_back(*d.full_min);
  if (static_cast<int>(v.size()) < rule_.min_days) return std::nullopt;
  return median_of(v);
}

std::vector<Event> DailyPatterns::update(const PointStore& points, WallTime now) {
  const CivilTime c = to_local_civil(now);
  const std::string day = format_date(to_date(c));
  std::vector<Event> out;
  if (today_.day != day) {
    if (!today_.day.empty()) finish_day(now, out);
    today_ = DayRecord{day, std::nullopt, std::nullopt, 0};
    late_reported_ = false;
    if (charge_.level != Level::kOk) charge_.since = now;
    charge_.level = Level::kOk;
  }
  const int minute = c.hour * 60 + c.minute;
  const auto soc = points.fresh_number("battery.soc", now);
  if (auto pv = points.fresh_number("energy.pv.today", now)) {
    today_.pv_kwh = std::max(today_.pv_kwh, *pv);
  }
  // The morning SOC: the first fresh reading in the hour from 07:00.
  if (soc && !today_.morning_soc_pct && minute >= rule_.morning_min &&
      minute < rule_.morning_min + 60) {
    today_.morning_soc_pct = *soc;
    morning_.known = true;
    morning_.value = *soc;
    if (auto m = median_morning()) {
      const bool low = *soc < *m - rule_.morning_drop_pct;
      if ((low ? Level::kWarning : Level::kOk) != morning_.level) morning_.since = now;
      morning_.level = low ? Level::kWarning : Level::kOk;
      morning_.state = low ? "low" : "usual";
      if (low) {
        out.push_back({now,
                       "battery.morning_soc_low",
                       Severity::kWarning,
                       "the battery was at " + fixed(*soc, 0) + " % at " + hhmm(rule_.morning_min) +
                           ", " + fixed(*m - *soc, 0) + " points below the usual " + fixed(*m, 0) +
                           " %: too little night charge or more consumption (LCD 07 or 10 may "
                           "need raising)",
                       {{"soc_pct", fixed(*soc, 1)},
                        {"median_pct", fixed(*m, 1)},
                        {"days", std::to_string(days_.size())}}});
      }
    }
  }
  // The daytime charge: when the battery is first full between 08:00 and 19:00.
  const auto usual = median_full_min();
  if (soc && !today_.full_min && *soc >= rule_.full_soc_pct && minute >= rule_.daytime_from_min &&
      minute < rule_.daytime_to_min) {
    today_.full_min = minute;
    charge_.known = true;
    charge_.value = minute;
    charge_.state = "full at " + hhmm(minute);
  }
  if (usual && !today_.full_min && !late_reported_ &&
      minute > *usual + static_cast<double>(rule_.late_by.count()) &&
      minute < rule_.daytime_to_min) {
    late_reported_ = true;
    charge_.known = true;
    charge_.level = Level::kWarning;
    charge_.state = "late";
    charge_.since = now;
    out.push_back({now,
                   "battery.charge_late",
                   Severity::kWarning,
                   "the battery is not full yet at " + hhmm(minute) + " (usually full by " +
                       hhmm(*usual) +
                       "): less PV than usual or more daytime load (clean the panels? review "
                       "loads)",
                   {{"usual", hhmm(*usual)}, {"soc_pct", soc ? fixed(*soc, 1) : ""}}});
  }
  return out;
}

void DailyPatterns::finish_day(WallTime now, std::vector<Event>& out) {
  const std::string month = today_.day.substr(0, 7);
  const std::string next_month = [&] {
    const CivilTime c = to_local_civil(now);
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04d-%02d", c.year, c.month);
    return std::string(buf);
  }();
  if (today_.pv_kwh > 0) {
    months_[month].kwh += today_.pv_kwh;
    months_[month].days += 1;
  }
  days_.push_back(today_);
  while (static_cast<int>(days_.size()) > rule_.history_days)
    days_.pop_front();
  while (months_.size() > 26)
    months_.erase(months_.begin());  // two years and a little
  if (next_month == month) return;
  // A month ended: compare it with the same month a year earlier.
  const std::string last_year = std::to_string(std::stoi(month.substr(0, 4)) - 1) + month.substr(4);
  auto a = months_.find(month), b = months_.find(last_year);
  if (a == months_.end() || b == months_.end() || a->second.days < rule_.min_days_in_month ||
      b->second.days < rule_.min_days_in_month || b->second.kwh <= 0) {
    return;  // not a year of history yet: nothing to compare
  }
  const double change_pct = (a->second.kwh / b->second.kwh - 1.0) * 100.0;
  pv_.known = true;
  pv_.value = a->second.kwh;
  pv_.since = now;
  const bool low = change_pct < -rule_.pv_drop_pct;
  pv_.level = low ? Level::kWarning : Level::kOk;
  pv_.state = month + " " + fixed(change_pct, 0) + " % vs " + last_year;
  if (low) {
    out.push_back({now,
                   "pv.monthly_low",
                   Severity::kWarning,
                   "PV produced " + fixed(a->second.kwh, 0) + " kWh in " + month + ", " +
                       fixed(-change_pct, 0) + " % less than in " + last_year + " (" +
                       fixed(b->second.kwh, 0) +
                       " kWh): inspect the panels (dirt, shade, a failed string)",
                   {{"month", month},
                    {"kwh", fixed(a->second.kwh, 1)},
                    {"last_year_kwh", fixed(b->second.kwh, 1)},
                    {"change_pct", fixed(change_pct, 1)}}});
  }
}

nlohmann::json DailyPatterns::to_json() const {
  auto day_json = [](const DayRecord& d) {
    nlohmann::json j = {{"day", d.day}, {"pv_kwh", d.pv_kwh}};
    if (d.morning_soc_pct) j["morning_soc_pct"] = *d.morning_soc_pct;
    if (d.full_min) j["full_min"] = *d.full_min;
    return j;
  };
  nlohmann::json days = nlohmann::json::array();
  for (const auto& d : days_)
    days.push_back(day_json(d));
  nlohmann::json months = nlohmann::json::object();
  for (const auto& [m, v] : months_)
    months[m] = {{"kwh", v.kwh}, {"days", v.days}};
  return {{"today", day_json(today_)}, {"days", days}, {"months", months}};
}

void DailyPatterns::restore(const nlohmann::json& j) {
  auto read_day = [](const nlohmann::json& d) -> std::optional<DayRecord> {
    if (!d.is_object() || !d.contains("day") || !d["day"].is_string()) return std::nullopt;
    DayRecord r;
    r.day = d["day"].get<std::string>();
    if (d.contains("pv_kwh") && d["pv_kwh"].is_number()) r.pv_kwh = d["pv_kwh"].get<double>();
    if (d.contains("morning_soc_pct") && d["morning_soc_pct"].is_number())
      r.morning_soc_pct = d["morning_soc_pct"].get<double>();
    if (d.contains("full_min") && d["full_min"].is_number_integer())
      r.full_min = d["full_min"].get<int>();
    return r;
  };
  if (!j.is_object()) return;
  if (j.contains("today")) {
    if (auto d = read_day(j["today"])) today_ = *d;
  }
  if (j.contains("days") && j["days"].is_array()) {
    days_.clear();
    for (const auto& d : j["days"])
      if (auto r = read_day(d)) days_.push_back(*r);
  }
  if (j.contains("months") && j["months"].is_object()) {
    months_.clear();
    for (const auto& [m, v] : j["months"].items()) {
      if (v.is_object() && v.value("kwh", nlohmann::json()).is_number() &&
          v.value("days", nlohmann::json()).is_number_integer()) {
        months_[m] = {v["kwh"].get<double>(), v["days"].get<int>()};
      }
    }
  }
}

}  // namespace sb::domain::checks
