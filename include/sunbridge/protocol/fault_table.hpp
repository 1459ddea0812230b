// SPDX-License-Identifier: Apache-2.0
// SRNE fault/alarm codes (registers 0x0204-0x0207) with names and text, as data
// (profiles/inverter/srne-faults.json).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

#include "sunbridge/core/point.hpp"
#include "sunbridge/core/schema.hpp"

namespace sb::protocol {

class FaultTable {
 public:
  static std::optional<FaultTable> from_json(std::string_view text, schema::Issues& issues);
  // Throws std::runtime_error if the embedded table is broken (a build defect).
  static FaultTable embedded();

  // Unknown codes decode as {code, "Unknown<code>", "unknown fault <code>"}.
  [[nodiscard]] FaultCode lookup(std::uint16_t code) const;
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  std::map<std::uint16_t, FaultCode> entries_;
};

}  // namespace sb::protocol
