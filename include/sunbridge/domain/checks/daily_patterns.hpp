// SPDX-License-Identifier: Apache-2.0
// The owner's early warnings that compare a day with the days before it (the early-warning
// table of the owner's guide): the morning SOC (07:00) against its 14-day median, the time the
// battery is full in the daytime against its usual time, and each month's PV energy against the
// same month a year earlier (> 20 % lower: inspect the panels). Day boundaries are local
// (site time zone). The memory survives restarts as JSON. See docs/checks.md.
#pragma once

#include <deque>
#include <map>

#include <nlohmann/json.hpp>

#include "sunbridge/domain/checks/check.hpp"

namespace sb::domain::checks {

struct DailyRule {
  int morning_min = 7 * 60;        // the morning SOC is read at 07:00 local
  double morning_drop_pct = 10.0;  // this far below the median: warning
  double full_soc_pct = 98.0;      // "full" for the daytime charge
  int daytime_from_min = 8 * 60;   // a night charge reaching full does not count
  int daytime_to_min = 19 * 60;
  std::chrono::minutes late_by{60};  // not full this long after the usual time: warning
  int history_days = 14;
  int min_days = 7;  // days of history before anything is judged
  double pv_drop_pct = 20.0;
  int min_days_in_month = 25;  // months with fewer recorded days are not compared
};

struct DayRecord {
  std::string day;  // local "YYYY-MM-DD"
  std::optional<double> morning_soc_pct;
  std::optional<int> full_min;  // minutes after local midnight
  double pv_kwh = 0;
};

class DailyPatterns {
 public:
  explicit DailyPatterns(DailyRule rule);
  std::vector<Event> update(const PointStore& points, WallTime now);
  [[nodiscard]] std::vector<CheckStatus> statuses() const { return {morning_, charge_, pv_}; }

  [[nodiscard]] nlohmann::json to_json() const;
  void restore(const nlohmann::json& j);  // ignores what it cannot read

 private:
  void finish_day(WallTime now, std::vector<Event>& out);
  [[nodiscard]] std::optional<double> median_morning() const;
  [[nodiscard]] std::optional<double> median_full_min() const;

  DailyRule rule_;
  CheckStatus morning_, charge_, pv_;
  DayRecord today_;
  bool late_reported_ = false;
  std::deque<DayRecord> days_;  // finished days, oldest first
  struct Month {
    double kwh = 0;
    int days = 0;
  };
  std::map<std::string, Month> months_;  // "YYYY-MM"
};

}  // namespace sb::domain::checks
