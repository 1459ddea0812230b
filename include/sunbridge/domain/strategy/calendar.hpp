// SPDX-License-Identifier: Apache-2.0
// Calendar arithmetic for a simulated year (no clock, no time zone: local dates only).
#pragma once

#include <chrono>

namespace sb::domain::strategy {

inline int days_in_year(int year) {
  return std::chrono::year{year}.is_leap() ? 366 : 365;
}
// Date of a day of the year (0-based).
inline std::chrono::year_month_day date_of(int year, int day_index) {
  return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::year{year} / 1 / 1} +
                                     std::chrono::days{day_index}};
}
inline int month_of(int year, int day_index) {
  return static_cast<int>(static_cast<unsigned>(date_of(year, day_index).month()));
}

}  // namespace sb::domain::strategy
