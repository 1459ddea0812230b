// SPDX-License-Identifier: Apache-2.0
// PACE Modbus RTU V1.3, the likely "WOW" protocol (bms.md section 3): holding registers 0-36
// (analog values and flags) and 150-179 (version, model and serial strings). Pure decoding of
// register words; no I/O.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sunbridge/core/result.hpp"
#include "sunbridge/protocol/pack_record.hpp"

namespace sb::protocol {

inline constexpr std::uint16_t kPaceAnalogStart = 0;
inline constexpr std::uint16_t kPaceAnalogCount = 37;  // registers 0-36
inline constexpr std::uint16_t kPaceInfoStart = 150;
inline constexpr std::uint16_t kPaceInfoCount = 30;  // registers 150-179

// Registers 0-36 of pack `pack` -> record. Exactly 37 words or Malformed.
Result<PackRecord> decode_pace_registers(int pack, std::span<const std::uint16_t> regs);
// Registers 150-179 -> firmware, model/serial of the BMS, pack serial (two characters per
// register, high byte first). Exactly 30 words or Malformed.
Status decode_pace_info(std::span<const std::uint16_t> regs, PackRecord& record);

// The inverse, for the simulator: registers 0-36 from a record plus raw flag words.
struct PaceFlagWords {
  std::uint16_t warning = 0, protection = 0, status = 0, balancing = 0;
};
std::vector<std::uint16_t> encode_pace_registers(const PackRecord& r, const PaceFlagWords& flags);
std::vector<std::uint16_t> encode_pace_info(const PackRecord& r);

}  // namespace sb::protocol
