// SPDX-License-Identifier: Apache-2.0
// libFuzzer: forecast documents from the network (JMA, Open-Meteo) and profile files from the
// user's directory. Anything may come back; nothing may crash, and a parsed forecast must have
// ascending valid dates (Open-Meteo) and a profile that loads must answer every month.
#include <cstdint>
#include <string_view>

#include "sunbridge/adapters/weather.hpp"
#include "sunbridge/domain/profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto f = sb::adapters::parse_jma(text)) {
    for (const auto& d : f->days) {
      if (!d.date.ok()) __builtin_trap();
    }
  }
  if (auto f = sb::adapters::parse_open_meteo(text)) {
    for (std::size_t i = 1; i < f->days.size(); ++i) {
      if (std::chrono::sys_days(f->days[i].date) <= std::chrono::sys_days(f->days[i - 1].date)) {
        __builtin_trap();
      }
    }
  }
  sb::schema::Issues issues;
  if (auto p = sb::domain::Profile::from_json(text, issues)) {
    for (int m = 1; m <= 12; ++m) {
      if (p->find(m, sb::domain::WeatherMode::kNormal) == nullptr) __builtin_trap();
    }
  }
  return 0;
}
