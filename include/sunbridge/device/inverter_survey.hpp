// SPDX-License-Identifier: Apache-2.0
// A fresh read of the inverter's identity and the installer's on-site verification list
// (docs/inverter-registers.md), with raw register values next to the decoded ones. Used by
// `doctor`, with or without the daemon running.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sunbridge/core/point.hpp"
#include "sunbridge/device/inverter_link.hpp"

namespace sb::device {

struct SurveyReading {
  const protocol::RegisterRow* row = nullptr;
  std::vector<std::uint16_t> raw;  // empty when the read failed
  PointValue value;                // monostate when unreadable or undecodable
  std::string error;               // why there is no value
  std::string note;                // known interpretation of the raw value (map data)
};

struct Survey {
  std::vector<SurveyReading> identity;
  std::vector<SurveyReading> verification;
  std::string port;
  LinkStats stats;
};

// Reads identity first (it decides the voltage factor), then the verification list.
Survey survey(InverterLink& link, const protocol::RegisterMap& map);

}  // namespace sb::device
