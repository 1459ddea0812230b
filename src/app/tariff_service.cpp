// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/tariff_service.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "sunbridge/core/text.hpp"
#include "sunbridge/embedded.hpp"

namespace sb::app {

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// How long the points stay current without an update (they are refreshed every poll).
constexpr std::chrono::minutes kMaxAge{5};

}  // namespace

std::map<std::string, domain::Tariff> load_tariffs(const std::string& directory) {
  std::map<std::string, domain::Tariff> out;
  std::string problems;
  auto add = [&](std::string_view text, const std::string& source) {
    schema::Issues issues;
    if (auto t = domain::Tariff::from_json(text, issues)) {
      const std::string name = t->name();
      out.insert_or_assign(name, std::move(*t));
    } else {
      problems += schema::format_issues(issues, source) + "\n";
    }
  };
  add(embedded::tariff_shikoku_seasonal_tou(), "embedded shikoku-seasonal-tou.json");
  add(embedded::tariff_bill_derived(), "embedded bill-derived.json");
  if (!directory.empty()) {
    std::error_code ec;
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    }
    if (ec) throw std::runtime_error("tariff.directory " + directory + ": " + ec.message());
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
      add(read_text(f), f);
  }
  if (!problems.empty()) throw std::runtime_error("invalid tariff:\n" + problems);
  return out;
}

domain::HolidayCalendar load_holidays() {
  schema::Issues issues;
  auto c = domain::HolidayCalendar::from_json(embedded::holidays_jp(), issues);
  if (!c) {
    throw std::runtime_error("invalid holidays:\n" +
                             schema::format_issues(issues, "embedded jp-holidays.json"));
  }
  return *c;
}

TariffService::TariffService(const adapters::TariffConfig& config)
    : tariff_([&] {
        auto all = load_tariffs(config.directory);
        auto it = all.find(config.name);
        if (it == all.end()) {
          std::vector<std::string> names;
          for (const auto& [name, _] : all)
            names.push_back(name);
          throw std::runtime_error("tariff.name: no tariff named '" + config.name +
                                   "' (available: " + join(names, ", ") + ")");
        }
        return it->second;
      }()),
      holidays_(load_holidays()) {}

void TariffService::update(domain::PointStore& points, WallTime now, bool clock_trusted) const {
  if (!clock_trusted) {
    const std::string why = "the clock is not synchronised: the tariff band is not known";
    points.set(Point{"tariff.band", {}, "", Quality::kInvalid, {}, why}, kMaxAge);
    points.set(Point{"tariff.price", {}, "JPY/kWh", Quality::kInvalid, {}, why, 2}, kMaxAge);
    return;
  }
  const CivilTime local = to_local_civil(now);
  const domain::Date day{std::chrono::year(local.year),
                         std::chrono::month(static_cast<unsigned>(local.month)),
                         std::chrono::day(static_cast<unsigned>(local.day))};
  const domain::DayType type = holidays_.day_type(day);
  const domain::TariffBand& band = tariff_.band_at(local, type);
  // What the price leaves out is said, not hidden: unknown surcharges or adjustments this month.
  std::vector<std::string> unknown;
  const std::string month = domain::month_key(local.year, local.month);
  const double price = band.yen_per_kwh + tariff_.surcharge_per_kwh(month, &unknown) +
                       tariff_.adjustment_per_kwh(month, &unknown);
  std::string note = tariff_.name();
  if (!holidays_.covers(day)) note += "; public holidays not known for this year";
  if (!unknown.empty())
    note += "; without " + join(unknown, ", ") + " (not known for " + month + ")";
  points.set(Point{"tariff.band", band.name, "", Quality::kOk, now, note}, kMaxAge);
  points.set(Point{"tariff.price", price, "JPY/kWh", Quality::kOk, now, note, 2}, kMaxAge);
}

}  // namespace sb::app
