// SPDX-License-Identifier: Apache-2.0
// The desired configuration from the cloud ({prefix}/{device}/config/desired): its schema and
// typed form. Each document replaces the previous one as a whole: a key it leaves out falls back
// to the local configuration file ("away" excepted: it acts only when present). Semantic checks
// that need the register map and the profile library are the settings controller's.
// docs/mqtt.md "Desired configuration".
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sunbridge/core/schema.hpp"
#include "sunbridge/domain/profile.hpp"
#include "sunbridge/domain/selection.hpp"

namespace sb::adapters {

struct DesiredConfig {
  std::int64_t version = 0;
  std::optional<std::string> mode;        // profile name
  std::vector<domain::Profile> profiles;  // added to (or replacing) the library by name
  std::optional<domain::WeatherPolicy> rules;
  std::optional<bool> reassert_drift;  // drift_policy
  std::optional<std::chrono::milliseconds> live_poll, settings_poll;
  bool away_present = false;  // "away" given: set (or with null, clear) the away override
  std::optional<domain::Overrides::Away> away;
  std::map<std::string, std::string> values;  // normalised LCD id -> value text (map-checked later)
  nlohmann::json document;                    // as validated (for persistence)
};

schema::Schema desired_schema();

// Checks a document from adapters::check_desired (version, issued_at and the configuration
// keys); every problem at once.
std::optional<DesiredConfig> parse_desired(nlohmann::json document, schema::Issues& issues);

}  // namespace sb::adapters
