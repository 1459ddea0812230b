// SPDX-License-Identifier: Apache-2.0
#include "sim/pack_frames.hpp"

#include <cmath>
#include <string>

namespace sb::sim {

namespace {

// Rounds `value / unit` to the nearest step and keeps the low 16 bits (two's complement for
// negative values), as a 16-bit register or a 2-byte field carries it.
std::uint16_t word(double value, double unit) {
  const long steps = std::lround(value / unit);
  return static_cast<std::uint16_t>(static_cast<std::uint32_t>(steps) & 0xFFFFu);
}

void put_u8(std::vector<std::uint8_t>& out, unsigned v) {
  out.push_back(static_cast<std::uint8_t>(v & 0xFFu));
}

void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {  // big-endian on the wire
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xFFu));
}

// 0.1 K with PACE's offset: 25.0 C is 2980.
constexpr double kPaceKelvinOffset = 273.0;

void put_text(std::vector<std::uint16_t>& regs, const std::string& text) {
  for (std::size_t i = 0; i < 20; i += 2) {
    const unsigned hi = i < text.size() ? static_cast<unsigned char>(text[i]) : 0;
    const unsigned lo = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    regs.push_back(static_cast<std::uint16_t>((hi << 8) | lo));
  }
}

}  // namespace

std::vector<std::uint16_t> pace_modbus_registers(const protocol::PackRecord& r,
                                                 const protocol::PaceFlagWords& flags) {
  std::vector<std::uint16_t> regs(37, 0);            // 8, 13 and 14 are not in the table: 0
  regs[0] = word(r.current_a.value_or(0), 0.01);     // 10 mA, + = charge
  regs[1] = word(r.voltage_v.value_or(0), 0.01);     // 10 mV
  regs[2] = word(r.soc_pct.value_or(0), 1);          // %
  regs[3] = word(r.soh_pct.value_or(0), 1);          // %
  regs[4] = word(r.remaining_ah.value_or(0), 0.01);  // 10 mAh
  regs[5] = word(r.full_ah.value_or(0), 0.01);
  regs[6] = word(r.design_ah.value_or(0), 0.01);
  regs[7] = static_cast<std::uint16_t>(r.cycles.value_or(0));
  regs[9] = flags.warning;
  regs[10] = flags.protection;
  regs[11] = flags.status;
  regs[12] = flags.balancing;
  for (std::size_t i = 0; i < 16 && i < r.cells_mv.size(); ++i)
    regs[15 + i] = word(r.cells_mv[i], 1);  // mV
  for (std::size_t i = 0; i < 4 && i < r.temps_c.size(); ++i)
    regs[31 + i] = word(r.temps_c[i], 0.1);  // 0.1 C
  regs[35] = word(r.mos_temp_c.value_or(0), 0.1);
  regs[36] = word(r.ambient_temp_c.value_or(0), 0.1);
  return regs;
}

std::vector<std::uint16_t> pace_modbus_strings(const protocol::PackRecord& r) {
  std::vector<std::uint16_t> regs;
  put_text(regs, r.firmware);  // 150..159
  put_text(regs, r.model);     // 160..169
  put_text(regs, r.serial);    // 170..179
  return regs;
}

std::vector<std::uint8_t> pace_ascii_analog(const protocol::PackRecord& r) {
  std::vector<std::uint8_t> info;
  put_u8(info, 0x00);  // INFOFLAG
  put_u8(info, static_cast<unsigned>(r.pack));
  put_u8(info, static_cast<unsigned>(r.cells_mv.size()));  // M
  for (double mv : r.cells_mv)
    put_u16(info, word(mv, 1));
  // N = 6: T1-T4 cells, T5 MOSFET, T6 ambient, in 0.1 K.
  std::vector<double> temps(r.temps_c.begin(), r.temps_c.end());
  temps.push_back(r.mos_temp_c.value_or(0));
  temps.push_back(r.ambient_temp_c.value_or(0));
  put_u8(info, static_cast<unsigned>(temps.size()));
  for (double c : temps)
    put_u16(info, word(c + kPaceKelvinOffset, 0.1));
  put_u16(info, word(r.current_a.value_or(0), 0.01));     // 10 mA, + = charge
  put_u16(info, word(r.voltage_v.value_or(0), 0.001));    // mV
  put_u16(info, word(r.remaining_ah.value_or(0), 0.01));  // 10 mAh
  put_u8(info, 3);                                        // P: three more fields follow
  put_u16(info, word(r.full_ah.value_or(0), 0.01));
  put_u16(info, static_cast<std::uint16_t>(r.cycles.value_or(0)));
  put_u16(info, word(r.design_ah.value_or(0), 0.01));
  return info;
}

std::vector<std::uint8_t> pace_ascii_alarm(int pack, const protocol::AlarmBytes& a) {
  std::vector<std::uint8_t> info;
  put_u8(info, 0x00);  // INFOFLAG
  put_u8(info, static_cast<unsigned>(pack));
  put_u8(info, static_cast<unsigned>(a.cell_warn.size()));
  info.insert(info.end(), a.cell_warn.begin(), a.cell_warn.end());
  put_u8(info, static_cast<unsigned>(a.temp_warn.size()));
  info.insert(info.end(), a.temp_warn.begin(), a.temp_warn.end());
  for (std::uint8_t b :
       {a.charge_current_warn, a.pack_voltage_warn, a.discharge_current_warn, a.protect1,
        a.protect2, a.system_state, a.control, a.fault, a.balance1, a.balance2, a.warn1, a.warn2}) {
    put_u8(info, b);
  }
  return info;
}

}  // namespace sb::sim
