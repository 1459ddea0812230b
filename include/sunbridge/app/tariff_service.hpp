// SPDX-License-Identifier: Apache-2.0
// The electricity tariff in force (docs/reports.md): the shipped tariffs and the user's own
// files, the one selected by `tariff.name`, Japanese holidays, and the points tariff.band and
// tariff.price (JPY/kWh, for Home Assistant's energy dashboard). The price is a wall-clock fact:
// while the clock cannot be trusted both points are invalid, never a guess.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/core/clock.hpp"
#include "sunbridge/domain/point_store.hpp"
#include "sunbridge/domain/tariff.hpp"

namespace sb::app {

// Every shipped tariff, then every *.json in `directory` (a user file may replace a shipped
// tariff of the same name). Throws std::runtime_error listing every invalid file.
std::map<std::string, domain::Tariff> load_tariffs(const std::string& directory);
// The shipped Japanese public holidays.
domain::HolidayCalendar load_holidays();

class TariffService {
 public:
  // Throws std::runtime_error when a file is invalid or no tariff has the configured name.
  explicit TariffService(const adapters::TariffConfig& config);

  [[nodiscard]] const domain::Tariff& tariff() const { return tariff_; }
  [[nodiscard]] const domain::HolidayCalendar& holidays() const { return holidays_; }
  // The band in force at a local time, holidays applied.
  [[nodiscard]] const domain::TariffBand& band_at(const CivilTime& local) const;
  // Sets tariff.band and tariff.price for `now` (site-local time); invalid while `clock_trusted`
  // is false. Called with every poll; the points change at most once a minute (the bands are
  // whole minutes), so the other calls return at once.
  void update(domain::PointStore& points, WallTime now, bool clock_trusted);

 private:
  domain::Tariff tariff_;
  domain::HolidayCalendar holidays_;
  std::optional<std::pair<std::chrono::minutes, bool>> updated_;  // minute and trust last set
};

}  // namespace sb::app
