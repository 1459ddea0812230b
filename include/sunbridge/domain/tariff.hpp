// SPDX-License-Identifier: Apache-2.0
// Electricity tariffs as data (docs/reports.md): time-of-use bands by month and day type, a
// monthly basic charge, per-kWh surcharges with their validity, and monthly per-kWh adjustment
// tables (fuel-cost adjustment, government subsidies). Pure: no clock, no files.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/schema.hpp"
#include "sunbridge/domain/forecast.hpp"

namespace sb::domain {

enum class DayType { kWeekday, kHoliday };

// Public holidays as data (weekends are holidays for tariffs too). Dates outside `first`..`last`
// are judged by the weekday alone, and `covers` says so.
class HolidayCalendar {
 public:
  static std::optional<HolidayCalendar> from_json(std::string_view text, schema::Issues& issues);
  [[nodiscard]] DayType day_type(Date date) const;
  [[nodiscard]] bool is_public_holiday(Date date) const { return holidays_.count(date) != 0; }
  [[nodiscard]] bool covers(Date date) const { return date >= first_ && date <= last_; }
  [[nodiscard]] std::size_t size() const { return holidays_.size(); }

 private:
  std::map<Date, std::string> holidays_;
  Date first_{}, last_{};
};

struct TariffBand {
  std::string name;
  double yen_per_kwh = 0;
  std::set<int> months;          // 1-12
  std::optional<DayType> day;    // nullopt: every day
  int from_min = 0, to_min = 0;  // [from, to) minutes after midnight; to < from wraps midnight
  [[nodiscard]] bool matches(int month, DayType day_type, int minute_of_day) const;
};

// A per-kWh amount valid for months `from`..`to` (inclusive, "YYYY-MM"; empty = open).
struct Surcharge {
  std::string name;
  double yen_per_kwh = 0;
  std::string from, to;
};

// A per-kWh amount that changes every month ("YYYY-MM" -> yen/kWh, signed); months not in the
// table are unknown.
struct MonthlyAdjustment {
  std::string name;
  std::map<std::string, double> yen_per_kwh;
};

struct BillEstimate {
  std::map<std::string, double> energy_yen;  // per band
  double basic_yen = 0, surcharge_yen = 0, adjustment_yen = 0;
  std::vector<std::string> unknown;  // adjustments with no value for the month (counted as 0)
  [[nodiscard]] double total_yen() const;
};

class Tariff {
 public:
  static std::optional<Tariff> from_json(std::string_view text, schema::Issues& issues);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& description() const { return description_; }
  [[nodiscard]] const std::vector<TariffBand>& bands() const { return bands_; }
  [[nodiscard]] double basic_yen_per_month() const { return basic_yen_; }
  // The band in force at a local time: the first band that matches (data order).
  [[nodiscard]] const TariffBand& band_at(const CivilTime& local, DayType day) const;
  // The band that is not daytime: the one in force at 03:00 on a January weekday (23:00-07:00 in
  // the shipped plans); the guide's daytime measures leave it out.
  [[nodiscard]] const std::string& night_band() const;
  // The energy price at a local time: the band's rate plus the surcharges and known adjustments
  // of that month.
  [[nodiscard]] double price_at(const CivilTime& local, DayType day) const;
  // Per-kWh surcharges and adjustments for a month ("YYYY-MM").
  // Names with no value for the month go to `unknown` (counted as 0).
  [[nodiscard]] double surcharge_per_kwh(const std::string& month,
                                         std::vector<std::string>* unknown = nullptr) const;
  // The sum of the adjustments known for the month; the names of those unknown go to `unknown`.
  [[nodiscard]] double adjustment_per_kwh(const std::string& month,
                                          std::vector<std::string>* unknown = nullptr) const;
  // The rate of the band of that name in a month (a name may have a rate per season); nullopt
  // for a name the tariff does not have.
  [[nodiscard]] std::optional<double> rate(const std::string& band, int month) const;
  // A month's bill from the kWh bought in each band (names as in bands()).
  [[nodiscard]] BillEstimate bill(int year, int month,
                                  const std::map<std::string, double>& kwh_by_band) const;

 private:
  std::string name_, description_;
  double basic_yen_ = 0;
  std::vector<TariffBand> bands_;
  std::vector<Surcharge> surcharges_;
  std::vector<MonthlyAdjustment> adjustments_;
};

schema::Schema tariff_schema();
schema::Schema holiday_calendar_schema();

// "2025-04".
std::string month_key(int year, int month);

}  // namespace sb::domain
