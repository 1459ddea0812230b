// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/grid_daily_csv.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace sb::adapters {

namespace {

constexpr std::string_view kHeader = "date,grid_import_kwh";
constexpr double kMaxDailyKwh = 1000.0;  // a house's day; more is a unit or column mistake

std::string_view trim_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::optional<std::vector<domain::strategy::DailyKwh>> parse_grid_daily_csv(
    std::string_view text, schema::Issues& issues) {
  std::vector<domain::strategy::DailyKwh> out;
  const std::size_t issues_before = issues.size();
  std::size_t line_no = 0;
  bool header_seen = false;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = trim_cr(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_no;
    const std::string where = "line " + std::to_string(line_no);
    if (line.empty()) continue;
    if (!header_seen) {
      header_seen = true;
      if (line != kHeader)
        issues.push_back({where, "expected the header \"date,grid_import_kwh\""});
      continue;
    }
    const std::size_t comma = line.find(',');
    if (comma == std::string_view::npos || line.find(',', comma + 1) != std::string_view::npos) {
      issues.push_back({where, "expected two columns: date,kWh"});
      continue;
    }
    const auto date = domain::parse_date(line.substr(0, comma));
    const std::string_view number = line.substr(comma + 1);
    double kwh = 0;
    const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), kwh);
    if (!date)
      issues.push_back({where, "not a date: \"" + std::string(line.substr(0, comma)) + "\""});
    if (ec != std::errc{} || ptr != number.data() + number.size() || !std::isfinite(kwh) ||
        kwh < 0 || kwh > kMaxDailyKwh) {
      issues.push_back({where, "not a kWh figure from 0 to 1000: \"" + std::string(number) + "\""});
      continue;
    }
    if (!date) continue;
    if (!out.empty() && !(out.back().date < *date)) {
      issues.push_back({where, "dates must be in order, each day once"});
      continue;
    }
    out.push_back({*date, kwh});
  }
  if (!header_seen) issues.push_back({"", "empty file"});
  if (issues.size() != issues_before) return std::nullopt;
  return out;
}

}  // namespace sb::adapters
