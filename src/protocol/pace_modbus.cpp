// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/protocol/pace_modbus.hpp"

#include <cmath>
#include <string>

#include "sunbridge/protocol/pace_flags.hpp"

namespace sb::protocol {

namespace {

constexpr int kCells = 16;
constexpr int kFirstCell = 15;
constexpr int kFirstTemp = 31;

// Sensors that are not fitted read as absurd values (bms.md: MOS/ambient "may be invalid").
std::optional<double> temperature(std::uint16_t raw) {
  double c = static_cast<std::int16_t>(raw) / 10.0;
  if (c <= -50.0 || c >= 150.0) return std::nullopt;
  return c;
}

std::string text_of(std::span<const std::uint16_t> regs) {
  std::string s;
  for (auto w : regs) {
    for (auto b : {static_cast<std::uint8_t>(w >> 8), static_cast<std::uint8_t>(w & 0xFF)}) {
      if (b == 0) return s;
      s.push_back(b >= 0x20 && b < 0x7F ? static_cast<char>(b) : '?');
    }
  }
  while (!s.empty() && s.back() == ' ')
    s.pop_back();
  return s;
}

void put_text(std::vector<std::uint16_t>& regs, const std::string& text, std::size_t words) {
  for (std::size_t i = 0; i < words; ++i) {
    auto hi = static_cast<std::uint8_t>(2 * i < text.size() ? text[2 * i] : 0);
    auto lo = static_cast<std::uint8_t>(2 * i + 1 < text.size() ? text[2 * i + 1] : 0);
    regs.push_back(static_cast<std::uint16_t>(hi << 8 | lo));
  }
}

}  // namespace

Result<PackRecord> decode_pace_registers(int pack, std::span<const std::uint16_t> regs) {
  if (regs.size() != kPaceAnalogCount) {
    return Error::malformed("PACE analog block needs 37 registers, got " +
                            std::to_string(regs.size()));
  }
  PackRecord r;
  r.pack = pack;
  r.current_a = static_cast<std::int16_t>(regs[0]) / 100.0;  // 10 mA, + = charge
  r.voltage_v = regs[1] / 100.0;                             // 10 mV
  r.soc_pct = regs[2];
  r.soh_pct = regs[3];
  r.remaining_ah = regs[4] / 100.0;  // 10 mAh
  r.full_ah = regs[5] / 100.0;
  r.design_ah = regs[6] / 100.0;
  r.cycles = regs[7];
  r.has_flags = true;
  decode_flags(regs[9], pace_warning_bits(), r.warnings);
  decode_flags(regs[10], pace_protection_bits(), r.protections);
  decode_flags(regs[11], pace_fault_bits(), r.faults);
  decode_flags(regs[11], pace_state_bits(), r.states);
  r.balancing = regs[12];
  for (int i = 0; i < kCells; ++i)
    r.cells_mv.push_back(regs[kFirstCell + i]);
  for (int i = 0; i < 4; ++i) {
    if (auto t = temperature(regs[kFirstTemp + i])) r.temps_c.push_back(*t);
  }
  r.mos_temp_c = temperature(regs[35]);
  r.ambient_temp_c = temperature(regs[36]);
  return r;
}

Status decode_pace_info(std::span<const std::uint16_t> regs, PackRecord& record) {
  if (regs.size() != kPaceInfoCount) {
    return Error::malformed("PACE info block needs 30 registers, got " +
                            std::to_string(regs.size()));
  }
  record.firmware = text_of(regs.subspan(0, 10));
  record.model = text_of(regs.subspan(10, 10));
  record.serial = text_of(regs.subspan(20, 10));
  return {};
}

std::vector<std::uint16_t> encode_pace_registers(const PackRecord& r, const PaceFlagWords& f) {
  std::vector<std::uint16_t> regs(kPaceAnalogCount, 0);
  auto s16 = [](double v) {
    return static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(v)));
  };
  regs[0] = s16(r.current_a.value_or(0) * 100.0);
  regs[1] = static_cast<std::uint16_t>(std::lround(r.voltage_v.value_or(0) * 100.0));
  regs[2] = static_cast<std::uint16_t>(std::lround(r.soc_pct.value_or(0)));
  regs[3] = static_cast<std::uint16_t>(std::lround(r.soh_pct.value_or(0)));
  regs[4] = static_cast<std::uint16_t>(std::lround(r.remaining_ah.value_or(0) * 100.0));
  regs[5] = static_cast<std::uint16_t>(std::lround(r.full_ah.value_or(0) * 100.0));
  regs[6] = static_cast<std::uint16_t>(std::lround(r.design_ah.value_or(0) * 100.0));
  regs[7] = static_cast<std::uint16_t>(r.cycles.value_or(0));
  regs[9] = f.warning;
  regs[10] = f.protection;
  regs[11] = f.status;
  regs[12] = f.balancing;
  for (int i = 0; i < kCells && i < static_cast<int>(r.cells_mv.size()); ++i) {
    regs[kFirstCell + i] = static_cast<std::uint16_t>(std::lround(r.cells_mv[i]));
  }
  for (int i = 0; i < 4 && i < static_cast<int>(r.temps_c.size()); ++i) {
    regs[kFirstTemp + i] = s16(r.temps_c[i] * 10.0);
  }
  regs[35] = s16(r.mos_temp_c.value_or(0) * 10.0);
  regs[36] = s16(r.ambient_temp_c.value_or(0) * 10.0);
  return regs;
}

std::vector<std::uint16_t> encode_pace_info(const PackRecord& r) {
  std::vector<std::uint16_t> regs;
  put_text(regs, r.firmware, 10);
  put_text(regs, r.model, 10);
  put_text(regs, r.serial, 10);
  return regs;
}

}  // namespace sb::protocol
