// SPDX-License-Identifier: Apache-2.0
// PACE BMS flag bits -> text, as declarative tables (bms.md sections 3 and 4). The Modbus
// registers and the ASCII alarm frame name the same conditions the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sb::protocol {

struct FlagBit {
  int bit;
  const char* text;
};

// Appends the text of every set bit of `value` listed in `table`.
void decode_flags(std::uint32_t value, const std::vector<FlagBit>& table,
                  std::vector<std::string>& out);

// PACE Modbus register 9 (warnings), 10 (protections), 11 (faults and states).
const std::vector<FlagBit>& pace_warning_bits();
const std::vector<FlagBit>& pace_protection_bits();
const std::vector<FlagBit>& pace_fault_bits();
const std::vector<FlagBit>& pace_state_bits();
// PACE v25 0x44: protect1, protect2, system state, fault.
const std::vector<FlagBit>& ascii_protect1_bits();
const std::vector<FlagBit>& ascii_protect2_bits();
const std::vector<FlagBit>& ascii_protect2_state_bits();
const std::vector<FlagBit>& ascii_system_state_bits();
const std::vector<FlagBit>& ascii_fault_bits();

}  // namespace sb::protocol
