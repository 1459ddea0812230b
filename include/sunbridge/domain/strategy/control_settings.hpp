// SPDX-License-Identifier: Apache-2.0
// The four profile parameters as the model uses them, to and from the settings the profile
// engine and the settings writer speak (LCD id -> value).
#pragma once

#include <optional>
#include <string>

#include "sunbridge/domain/profile.hpp"
#include "sunbridge/domain/strategy/inverter_model.hpp"

namespace sb::domain::strategy {

// Nullopt when a parameter is missing or not of its type (07, 10, 62 numbers; 41 "HH:MM").
std::optional<ControlSettings> control_settings_from(const SettingValues& values);
SettingValues to_setting_values(const ControlSettings& c);
// "07 60 A, 10 60 min, 41 03:00, 62 60 %".
std::string describe(const ControlSettings& c);
// "1234 yen" (whole yen).
std::string format_yen(double yen);

}  // namespace sb::domain::strategy
