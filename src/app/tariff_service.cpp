// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/tariff_service.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "sunbridge/app/data_files.hpp"
#include "sunbridge/core/text.hpp"
#include "sunbridge/embedded.hpp"

namespace sb::app {

namespace {

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
    for (const auto& f : json_files_in(directory, "tariff.directory"))
      add(read_text_file(f), f);
  }
  if (!problems.empty()) throw std::runtime_error("invalid tariff:\n" + problems);
  return out;
}

domain::HolidayCalendar load_holidays() {
  return parse_shipped<domain::HolidayCalendar>(embedded::holidays_jp(), "holidays",
                                                "jp-holidays.json");
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

const domain::TariffBand& TariffService::band_at(const CivilTime& local) const {
  return tariff_.band_at(local, holidays_.day_type(domain::to_date(local)));
}

void TariffService::update(domain::PointStore& points, WallTime now, bool clock_trusted) {
  const auto minute = std::chrono::floor<std::chrono::minutes>(now.time_since_epoch());
  if (updated_ && updated_->first == minute && updated_->second == clock_trusted) return;
  updated_ = {minute, clock_trusted};
  if (!clock_trusted) {
    const std::string why = "the clock is not synchronised: the tariff band is not known";
    points.set(Point{"tariff.band", {}, "", Quality::kInvalid, {}, why}, kMaxAge);
    points.set(Point{"tariff.price", {}, "JPY/kWh", Quality::kInvalid, {}, why, 2}, kMaxAge);
    return;
  }
  const CivilTime local = to_local_civil(now);
  const domain::Date day = domain::to_date(local);
  const domain::TariffBand& band = band_at(local);
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
