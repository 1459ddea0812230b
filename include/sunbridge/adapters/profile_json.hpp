// SPDX-License-Identifier: Apache-2.0
// JSON forms of the profile engine's values, shared by the control socket, the persisted state
// and (later) MQTT: setting values, overrides, weather memory, forecasts, selections and plans.
#pragma once

#include <nlohmann/json.hpp>

#include "sunbridge/core/result.hpp"
#include "sunbridge/domain/forecast.hpp"
#include "sunbridge/domain/selection.hpp"

namespace sb::adapters {

nlohmann::json setting_to_json(const PointValue& v);
PointValue setting_from_json(const nlohmann::json& v);
nlohmann::json settings_to_json(const domain::SettingValues& values);
// The inverse (an object of LCD id -> number or text); empty for anything else.
domain::SettingValues settings_from_json(const nlohmann::json& values);

nlohmann::json overrides_to_json(const domain::Overrides& o);
// Strict: unknown keys or bad times are errors (the stored state is ours, but a newer version
// may have written it).
Result<domain::Overrides> overrides_from_json(const nlohmann::json& j);

nlohmann::json memory_to_json(const domain::WeatherMemory& m);
domain::WeatherMemory memory_from_json(const nlohmann::json& j);

nlohmann::json forecast_to_json(const domain::Forecast& f);
Result<domain::Forecast> forecast_from_json(const nlohmann::json& j);

nlohmann::json selection_to_json(const domain::Selection& s);
nlohmann::json plan_to_json(const std::vector<domain::PlannedChange>& plan);

}  // namespace sb::adapters
