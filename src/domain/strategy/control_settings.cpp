// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/control_settings.hpp"

#include <cmath>
#include <cstdio>

#include "sunbridge/core/local_time.hpp"

namespace sb::domain::strategy {

namespace {

const double* number(const SettingValues& values, const char* id) {
  const auto it = values.find(id);
  return it == values.end() ? nullptr : std::get_if<double>(&it->second);
}

}  // namespace

std::optional<ControlSettings> control_settings_from(const SettingValues& values) {
  const double* current = number(values, "07");
  const double* absorption = number(values, "10");
  const double* back = number(values, "62");
  const auto end = values.find("41");
  const auto* end_text = end == values.end() ? nullptr : std::get_if<std::string>(&end->second);
  if (current == nullptr || absorption == nullptr || back == nullptr || end_text == nullptr) {
    return std::nullopt;
  }
  const auto end_min = parse_time_of_day(*end_text);
  if (!end_min) return std::nullopt;
  ControlSettings c;
  c.max_charge_a = *current;
  c.absorption_min = static_cast<int>(std::lround(*absorption));
  c.slot1_end_min = static_cast<int>(end_min->count());
  c.back_to_battery_soc = *back;
  return c;
}

SettingValues to_setting_values(const ControlSettings& c) {
  return {{"07", PointValue{c.max_charge_a}},
          {"10", PointValue{static_cast<double>(c.absorption_min)}},
          {"41", PointValue{format_time_of_day(std::chrono::minutes(c.slot1_end_min))}},
          {"62", PointValue{c.back_to_battery_soc}}};
}

std::string describe(const ControlSettings& c) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "07 %.0f A, 10 %d min, 41 %s, 62 %.0f %%", c.max_charge_a,
                c.absorption_min, format_time_of_day(std::chrono::minutes(c.slot1_end_min)).c_str(),
                c.back_to_battery_soc);
  return buf;
}

std::string format_yen(double yen) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f yen", yen);
  return buf;
}

}  // namespace sb::domain::strategy
