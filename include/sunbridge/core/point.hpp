// SPDX-License-Identifier: Apache-2.0
// A named value with its unit, timestamp and quality: the one shape every value takes
// (docs/points.md).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sunbridge/core/clock.hpp"

namespace sb {

// ok: fresh from the device. stale: the last read of it failed or it is older than allowed;
// shown as unavailable, never as the last good number. invalid: the device cannot give it
// (unsupported by firmware, undecodable, missing input).
enum class Quality { kOk, kStale, kInvalid };

const char* to_string(Quality quality);

struct FaultCode {
  std::uint16_t code = 0;
  std::string name;  // SRNE's symbolic name, e.g. "BatVoltLow"
  std::string text;  // human-readable description
  bool operator==(const FaultCode&) const = default;
};

// Numbers are doubles in the point's unit; text covers enums, "hh:mm", strings and times; lists
// of text carry alarms and flags.
using TextList = std::vector<std::string>;
using PointValue =
    std::variant<std::monostate, double, std::string, std::vector<FaultCode>, TextList>;

struct Point {
  std::string name;
  PointValue value;  // the last good value; kept when stale so it can be shown as "last"
  std::string unit;
  Quality quality = Quality::kInvalid;
  WallTime ts{};     // when `value` was read from the device
  std::string note;  // why it is stale or invalid, empty when ok
  // Decimal places worth showing (the register's scale, or declared for computed points);
  // -1 when not declared. Display only: the value itself keeps full precision.
  int decimals = -1;
};

[[nodiscard]] inline bool has_value(const PointValue& v) {
  return !std::holds_alternative<std::monostate>(v);
}

// Writes `from` over `to`. A number over a number is stored as it is, without the variant's
// general assignment: a poll writes about a hundred numbers over the last cycle's every cycle.
template <typename Value>
void assign_value(PointValue& to, Value&& from) {
  const double* number = std::get_if<double>(&from);
  if (double* held = std::get_if<double>(&to); number != nullptr && held != nullptr) {
    *held = *number;
    return;
  }
  to = std::forward<Value>(from);
}

// A number over whatever the value held.
inline void assign_value(PointValue& to, double from) {
  if (double* held = std::get_if<double>(&to)) {
    *held = from;
    return;
  }
  to = from;
}

// "57.6 V", "03:00", "SBU", "12 BatVoltLow, 58 BMSComErr". `decimals` < 0 picks a default
// from the magnitude.
std::string format_value(const PointValue& value, const std::string& unit, int decimals = -1);

}  // namespace sb
