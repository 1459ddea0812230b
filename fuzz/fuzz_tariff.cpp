// SPDX-License-Identifier: Apache-2.0
// libFuzzer: tariff and holiday documents (user-supplied files) through the strict JSON parser,
// the schema and the coverage check; a tariff that loads must price every minute of a year.
#include <cstdint>
#include <string_view>

#include "sunbridge/domain/tariff.hpp"

using namespace sb::domain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sb::schema::Issues issues;
  (void)HolidayCalendar::from_json(text, issues);
  auto tariff = Tariff::from_json(text, issues);
  if (!tariff) return 0;
  for (int month = 1; month <= 12; ++month) {
    for (int minute = 0; minute < 24 * 60; minute += 30) {
      for (DayType day : {DayType::kWeekday, DayType::kHoliday}) {
        const sb::CivilTime t{2026, month, 1, minute / 60, minute % 60, 0};
        if (!tariff->band_at(t, day).matches(month, day, minute)) __builtin_trap();
      }
    }
  }
  (void)tariff->bill(2025, 1, {{"night", 1.0}, {"x", 2.0}}).total_yen();
  return 0;
}
