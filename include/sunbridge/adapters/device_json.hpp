// SPDX-License-Identifier: Apache-2.0
// Device-level reports as JSON for the control socket and the CLI: link statistics and the
// on-site survey of `doctor`.
#pragma once

#include <nlohmann/json.hpp>

#include "sunbridge/device/inverter_link.hpp"
#include "sunbridge/device/inverter_survey.hpp"

namespace sb::adapters {

nlohmann::json link_stats_to_json(const device::LinkStats& stats);
nlohmann::json survey_to_json(const device::Survey& survey);

// Learned holes per firmware, as kept in the settings store: {"<firmware>": {"breaks": [..],
// "unsupported": [..]}}. Reading skips anything malformed (the worst case is learning again).
nlohmann::json learned_holes_to_json(const std::map<std::string, device::LearnedHoles>& holes);
std::map<std::string, device::LearnedHoles> learned_holes_from_json(const nlohmann::json& doc);

}  // namespace sb::adapters
