// SPDX-License-Identifier: Apache-2.0
// The simulated packs' answers, built here from the BMS documentation (docs/bms.md: the PACE
// Modbus V1.3 register table, the PACE v25 0x42/0x44 INFO layouts) and not with the daemon's
// encoders: a test whose simulator shares the reader's understanding of the format would only
// prove that the code agrees with itself. Takes what a pack reports (plain data) and lays it out
// byte by byte.
#pragma once

#include <cstdint>
#include <vector>

#include "sunbridge/protocol/pace_ascii.hpp"
#include "sunbridge/protocol/pace_modbus.hpp"
#include "sunbridge/protocol/pack_record.hpp"

namespace sb::sim {

// Holding registers 0..36.
std::vector<std::uint16_t> pace_modbus_registers(const protocol::PackRecord& r,
                                                 const protocol::PaceFlagWords& flags);
// Holding registers 150..179: firmware, BMS model, pack serial (20 characters each, two per
// register, the first in the high byte, padded with NUL).
std::vector<std::uint16_t> pace_modbus_strings(const protocol::PackRecord& r);
// The INFO of a PACE v25 0x42 (analog values) answer for pack `r.pack`.
std::vector<std::uint8_t> pace_ascii_analog(const protocol::PackRecord& r);
// The INFO of a PACE v25 0x44 (alarm) answer.
std::vector<std::uint8_t> pace_ascii_alarm(int pack, const protocol::AlarmBytes& a);

}  // namespace sb::sim
