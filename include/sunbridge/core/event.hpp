// SPDX-License-Identifier: Apache-2.0
// Something that happened, worth keeping and (later) publishing: a sustained mismatch, a link
// lost, a setting changed behind our back.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sunbridge/core/clock.hpp"

namespace sb {

enum class Severity { kInfo, kWarning, kCritical };
const char* to_string(Severity severity);
// The word to_string gives back as the severity; nullopt for any other text.
std::optional<Severity> severity_from_string(std::string_view text);

struct Event {
  WallTime ts{};
  std::string kind;  // dotted, e.g. "bms.soc_mismatch"
  Severity severity = Severity::kInfo;
  std::string message;
  std::map<std::string, std::string> details;
};

}  // namespace sb
