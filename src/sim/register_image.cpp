// SPDX-License-Identifier: Apache-2.0
#include "sim/register_image.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace sb::sim {

namespace {

enum class Enc { kU16, kS16, kS16Negated, kU32 };

struct LiveRegister {
  std::uint16_t address;
  const char* point;
  Enc enc;
  double scale;
};

// Spec section 3, one line per register. Battery current and grid power are negated on the
// wire: SRNE sends battery current > 0 when discharging and grid power > 0 when exporting.
constexpr LiveRegister kLive[] = {
    {0x0100, "battery.soc", Enc::kU16, 1},
    {0x0101, "battery.voltage", Enc::kU16, 0.1},
    {0x0102, "battery.current", Enc::kS16Negated, 0.1},
    {0x0103, "battery.temperature", Enc::kS16, 0.1},
    {0x0104, "battery.soh", Enc::kU16, 1},
    {0x0105, "battery.rated_capacity", Enc::kU16, 1},
    {0x0106, "battery.remaining_capacity", Enc::kU16, 1},
    {0x0107, "pv1.voltage", Enc::kU16, 0.1},
    {0x0108, "pv1.current", Enc::kU16, 0.1},
    {0x0109, "pv1.power", Enc::kU16, 1},
    {0x010A, "pv.power", Enc::kU16, 1},
    {0x010E, "inverter.charge_power", Enc::kU16, 1},
    {0x010F, "pv2.voltage", Enc::kU16, 0.1},
    {0x0110, "pv2.current", Enc::kU16, 0.1},
    {0x0111, "pv2.power", Enc::kU16, 1},
    {0x0112, "inverter.bms.voltage", Enc::kU16, 0.1},
    {0x0113, "inverter.bms.current", Enc::kU16, 0.1},
    {0x0114, "inverter.bms.temperature", Enc::kS16, 0.1},
    {0x0115, "inverter.bms.charge_voltage_limit", Enc::kU16, 0.1},
    {0x0116, "inverter.bms.charge_current_limit", Enc::kU16, 0.1},
    {0x0117, "inverter.bms.discharge_current_limit", Enc::kU16, 0.1},
    {0x0212, "inverter.bus_voltage", Enc::kU16, 0.1},
    {0x0213, "grid.l1.voltage", Enc::kU16, 0.1},
    {0x0214, "grid.l1.current", Enc::kU16, 0.1},
    {0x0215, "grid.frequency", Enc::kU16, 0.01},
    {0x0216, "output.l1.voltage", Enc::kU16, 0.1},
    {0x0217, "output.l1.current", Enc::kU16, 0.1},
    {0x0218, "output.frequency", Enc::kU16, 0.01},
    {0x0219, "load.l1.current", Enc::kU16, 0.1},
    {0x021B, "load.l1.power", Enc::kU16, 1},
    {0x021C, "load.l1.apparent_power", Enc::kU16, 1},
    {0x021E, "battery.ac_charge_current", Enc::kU16, 0.1},
    {0x021F, "load.l1.ratio", Enc::kU16, 1},
    {0x0220, "inverter.temp.dcdc", Enc::kS16, 0.1},
    {0x0221, "inverter.temp.dcac", Enc::kS16, 0.1},
    {0x0222, "inverter.temp.transformer", Enc::kS16, 0.1},
    {0x0223, "inverter.temp.ambient", Enc::kS16, 0.1},
    {0x0224, "battery.pv_charge_current", Enc::kU16, 0.1},
    {0x022A, "grid.l2.voltage", Enc::kU16, 0.1},
    {0x022C, "output.l2.voltage", Enc::kU16, 0.1},
    {0x022E, "output.l2.current", Enc::kU16, 0.1},
    {0x0230, "load.l2.current", Enc::kU16, 0.1},
    {0x0232, "load.l2.power", Enc::kU16, 1},
    {0x0234, "load.l2.apparent_power", Enc::kU16, 1},
    {0x0236, "load.l2.ratio", Enc::kU16, 1},
    {0x0238, "grid.l2.current", Enc::kU16, 0.1},
    {0x023A, "grid.l1.power", Enc::kS16Negated, 1},
    {0x023B, "grid.l2.power", Enc::kS16Negated, 1},
    {0xF02D, "energy.battery.charge.today", Enc::kU16, 1},
    {0xF02E, "energy.battery.discharge.today", Enc::kU16, 1},
    {0xF02F, "energy.pv.today", Enc::kU16, 0.1},
    {0xF030, "energy.load.today", Enc::kU16, 0.1},
    {0xF031, "inverter.operating_days", Enc::kU16, 1},
    {0xF038, "energy.pv.total", Enc::kU32, 0.1},
    {0xF03A, "energy.load.total", Enc::kU32, 0.1},
    {0xF03C, "energy.ac_charge.today", Enc::kU16, 1},
    {0xF03D, "energy.grid.today", Enc::kU16, 0.1},
    {0xF048, "energy.grid.total", Enc::kU32, 0.1},
};

// Address ranges that answer (inclusive), following the SRNE document's blocks and the read scan
// in docs/inverter-registers.md. Everything else is a hole: exception 02.
constexpr std::pair<std::uint16_t, std::uint16_t> kImplemented[] = {
    {0x000A, 0x0048}, {0x0100, 0x0117}, {0x0200, 0x023E}, {0xE000, 0xE039},
    {0xE100, 0xE11D}, {0xE200, 0xE21B}, {0xF000, 0xF04F},
};

// Stored settings: default raw value (the owner's LCD values, docs/inverter-registers.md and
// docs/owner-guide.md section 5), range of raw values, whether it is a slot time. V marks 12
// V-normalised voltages.
struct SettingDef {
  std::uint16_t address;
  std::uint16_t def;
  std::uint16_t min;
  std::uint16_t max;
  bool hhmm;
  bool volts12;
};
constexpr SettingDef kSettings[] = {
    {0xE001, 1000, 0, 2000, false, false},     // 36 max PV charge current, x0.1 A
    {0xE004, 6, 0, 13, false, false},          // 08 battery type: L16
    {0xE008, 144, 100, 155, false, true},      // 09 boost 57.6 V
    {0xE009, 135, 100, 155, false, true},      // 11 float 54.0 V
    {0xE00A, 117, 100, 155, false, true},      // 37 recharge 46.8 V
    {0xE00B, 114, 100, 155, false, true},      // 35 low-voltage recovery 45.6 V
    {0xE00C, 110, 100, 155, false, true},      // 14 low-voltage warning 44.0 V
    {0xE00D, 105, 100, 155, false, true},      // 12 over-discharge 42.0 V
    {0xE00E, 100, 100, 155, false, true},      // 15 discharge cut-off 40.0 V
    {0xE00F, 15, 0, 100, false, false},        // 59 discharge stop SOC
    {0xE010, 5, 0, 120, false, false},         // 13 over-discharge delay s
    {0xE012, 45, 10, 900, false, false},       // 10 boost time min
    {0xE01B, 113, 100, 155, false, true},      // 04 battery->grid 45.2 V
    {0xE01C, 20, 0, 2000, false, false},       // 57 stop-charge current x0.1 A
    {0xE01D, 90, 0, 100, false, false},        // 60 charge stop SOC
    {0xE01E, 20, 0, 100, false, false},        // 58 discharge alarm SOC
    {0xE01F, 19, 0, 100, false, false},        // 61 switch-to-grid SOC
    {0xE020, 45, 0, 100, false, false},        // 62 switch-back SOC
    {0xE022, 133, 100, 155, false, true},      // 05 grid->battery 53.2 V
    {0xE026, 0x1737, 0, 0x173B, true, false},  // 40 slot 1 start 23:55
    {0xE027, 0x0300, 0, 0x173B, true, false},  // 41 slot 1 end 03:00
    {0xE028, 0x041E, 0, 0x173B, true, false},  // 42 slot 2 start 04:30
    {0xE029, 0x0637, 0, 0x173B, true, false},  // 43 slot 2 end 06:55
    {0xE02A, 0, 0, 0x173B, true, false},       // 44 slot 3 start
    {0xE02B, 0, 0, 0x173B, true, false},       // 45 slot 3 end
    {0xE02C, 1, 0, 1, false, false},           // 46 time-slot charging ENA
    {0xE033, 0, 0, 1, false, false},           // 53 time-slot discharging DIS
    {0xE204, 2, 0, 2, false, false},           // 01 SBU
    {0xE205, 500, 0, 1200, false, false},      // 28 max AC charge 50 A
    {0xE206, 0, 0, 1, false, false},           // 16 equalisation DIS
    {0xE209, 6000, 5000, 6000, false, false},  // 02 output 60 Hz
    {0xE20A, 500, 0, 2000, false, false},      // 07 max charge PV+AC 50 A
    {0xE20B, 1, 0, 1, false, false},           // 03 UPS
    {0xE20F, 0, 0, 3, false, false},           // 06 CSO
    {0xE215, 1, 0, 2, false, false},           // 32 RS485 BMS
    {0xE21B, 7, 0, 30, false, false},          // 33 WOW (0-based list)
};

constexpr std::uint16_t kClock = 0x020C;

std::uint16_t encode(double value, Enc enc, double scale) {
  double raw = std::round((enc == Enc::kS16Negated ? -value : value) / scale);
  if (enc == Enc::kU16) return static_cast<std::uint16_t>(std::clamp(raw, 0.0, 65535.0));
  return static_cast<std::uint16_t>(static_cast<std::int16_t>(std::clamp(raw, -32768.0, 32767.0)));
}

}  // namespace

RegisterImage::RegisterImage(HouseholdModel& model, Firmware firmware)
    : model_(model), fw_(std::move(firmware)) {
  const std::uint16_t factor = fw_.real_volts ? fw_.rated_voltage / 12 : 1;
  for (const auto& s : kSettings) {
    const std::uint16_t f = s.volts12 ? factor : 1;
    stored_[s.address] = static_cast<std::uint16_t>(s.def * f);
    settings_[s.address] = {static_cast<std::uint16_t>(s.min * f),
                            static_cast<std::uint16_t>(s.max * f), s.hhmm};
  }
  stored_[0xE003] = fw_.rated_voltage;
  stored_[0xE200] = fw_.slave;
  for (const auto& [address, value] : stored_)
    apply_to_model(address, value);
}

bool RegisterImage::implemented(std::uint16_t address) const {
  for (const auto& [first, last] : fw_.extra_holes) {
    if (address >= first && address <= last) return false;
  }
  if (fw_.single_mppt && address >= 0x010F && address <= 0x020B) return false;
  for (const auto& [first, last] : kImplemented) {
    if (address >= first && address <= last) return true;
  }
  return false;
}

bool RegisterImage::running() const {
  // Split-phase encoding: 2 line mode, 3 inverter mode.
  return model_.machine_state == 2 || model_.machine_state == 3;
}

std::uint16_t RegisterImage::live_word(std::uint16_t address) const {
  for (const auto& r : kLive) {
    if (r.enc == Enc::kU32 && (address == r.address || address == r.address + 1)) {
      auto raw = static_cast<std::uint32_t>(std::llround(model_.get(r.point) / r.scale));
      return static_cast<std::uint16_t>(address == r.address ? raw & 0xFFFF : raw >> 16);
    }
    if (address == r.address) return encode(model_.get(r.point), r.enc, r.scale);
  }
  // Identity (docs/inverter-registers.md): one ASCII character per register in the low byte.
  if (address >= 0x0021 && address < 0x0021 + 20) {
    std::size_t i = address - 0x0021;
    return i < model_.build_time.size() ? static_cast<unsigned char>(model_.build_time[i]) : 0;
  }
  if (address >= 0x0035 && address < 0x0035 + 20) {
    std::size_t i = address - 0x0035;
    return i < model_.serial.size() ? static_cast<unsigned char>(model_.serial[i]) : 0;
  }
  switch (address) {
    case 0x000A:
      return 1;  // minor version
    case 0x000B:
      return 4;  // machine type: all-in-one
    case 0x0014:
      return fw_.firmware_raw;
    case 0x0015:
      return 100;
    case 0x001A:
      return fw_.slave;
    case 0x001B:
      return 0x0C1A;  // model code: meaning undocumented
    case 0x001C:
      return fw_.protocol_raw;
    case 0x010B:
      return model_.charge_state;
    case 0x0204:
    case 0x0205:
    case 0x0206:
    case 0x0207:
      return model_.faults[address - 0x0204];
    case 0x0210:
      return model_.machine_state;
    default:
      break;
  }
  if (address >= kClock && address < kClock + 3) {
    std::time_t t =
        std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + clock_offset);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    switch (address - kClock) {
      case 0:
        return static_cast<std::uint16_t>(((tm.tm_year + 1900 - 2000) << 8) | (tm.tm_mon + 1));
      case 1:
        return static_cast<std::uint16_t>((tm.tm_mday << 8) | tm.tm_hour);
      default:
        return static_cast<std::uint16_t>((tm.tm_min << 8) | tm.tm_sec);
    }
  }
  return 0;  // implemented but unused
}

std::uint16_t RegisterImage::raw(std::uint16_t address) const {
  if (!implemented(address)) return 0;
  if (auto it = stored_.find(address); it != stored_.end()) return it->second;
  return live_word(address);
}

int RegisterImage::read(std::uint16_t address, std::uint16_t count,
                        std::vector<std::uint16_t>& out) const {
  if (count == 0) return 0x03;
  if (count > 32) return 0x0A;  // more than 32 registers per request (docs/inverter-registers.md)
  if (static_cast<int>(address) + count > 0x10000) return 0x02;
  for (int a = address; a < address + count; ++a) {
    if (!implemented(static_cast<std::uint16_t>(a))) return 0x02;  // the whole read fails
  }
  out.clear();
  for (int a = address; a < address + count; ++a)
    out.push_back(raw(static_cast<std::uint16_t>(a)));
  return 0;
}

int RegisterImage::check_write(std::uint16_t address, std::uint16_t value) const {
  if (!implemented(address)) return 0x02;
  auto it = settings_.find(address);
  if (it == settings_.end()) return 0x07;  // everything but settings and the clock is read-only
  if (running() && fw_.standby_only.count(address) != 0) return 0x08;
  const Setting& s = it->second;
  if (value < s.min || value > s.max) return 0x03;
  if (s.hhmm && ((value >> 8) > 23 || (value & 0xFF) > 59)) return 0x03;
  return 0;
}

int RegisterImage::write(std::uint16_t address, std::span<const std::uint16_t> values,
                         bool multiple) {
  int result = 0;
  auto fault = write_faults.find(address);
  if (fault != write_faults.end()) {
    WriteFault& f = fault->second;
    if (f.exception != 0) result = f.exception;
    if (--f.count <= 0) write_faults.erase(fault);
    // An ignored write is acknowledged but not stored.
  } else {
    result = write_unlogged(address, values, multiple);
  }
  if (write_log.size() >= 4096) write_log.erase(write_log.begin());
  write_log.push_back({address, std::vector<std::uint16_t>(values.begin(), values.end()), result});
  return result;
}

int RegisterImage::write_unlogged(std::uint16_t address, std::span<const std::uint16_t> values,
                                  bool multiple) {
  if (values.empty()) return 0x03;
  if (values.size() > 32) return 0x0A;
  const int end = address + static_cast<int>(values.size());
  if (end > 0x10000) return 0x02;
  const bool touches_clock = address < kClock + 3 && end > kClock;
  if (touches_clock) {
    // The clock is written as one FC 0x10 frame of its three registers
    // (docs/inverter-registers.md).
    if (!multiple || address != kClock || values.size() != 3) return 0x04;
    std::tm tm{};
    tm.tm_year = (values[0] >> 8) + 2000 - 1900;
    tm.tm_mon = (values[0] & 0xFF) - 1;
    tm.tm_mday = values[1] >> 8;
    tm.tm_hour = values[1] & 0xFF;
    tm.tm_min = values[2] >> 8;
    tm.tm_sec = values[2] & 0xFF;
    tm.tm_isdst = -1;
    if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
        tm.tm_min > 59 || tm.tm_sec > 59) {
      return 0x03;
    }
    std::time_t t = std::mktime(&tm);
    auto now = std::chrono::system_clock::now();
    clock_offset = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::from_time_t(t) - now);
    return 0;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (int e = check_write(static_cast<std::uint16_t>(address + i), values[i]); e != 0) return e;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto a = static_cast<std::uint16_t>(address + i);
    stored_[a] = values[i];
    apply_to_model(a, values[i]);
  }
  return 0;
}

bool RegisterImage::poke(std::uint16_t address, std::uint16_t value) {
  if (!implemented(address)) return false;
  stored_[address] = value;
  apply_to_model(address, value);
  return true;
}

namespace {
// A slot register holds hour * 256 + minute (docs/inverter-registers.md).
int minutes_of(std::uint16_t hhmm) {
  return (hhmm >> 8) * 60 + (hhmm & 0xFF);
}
}  // namespace

void RegisterImage::apply_to_model(std::uint16_t address, std::uint16_t value) {
  switch (address) {
    case 0xE01F:
      model_.switch_to_grid_soc = value;
      break;
    case 0xE020:
      model_.switch_to_battery_soc = value;
      break;
    case 0xE205:
      model_.max_ac_charge_a = value / 10.0;
      break;
    case 0xE20A:
      model_.max_charge_a = value / 10.0;
      break;
    case 0xE012:
      model_.absorption_min = value;
      break;
    case 0xE00F:
      model_.discharge_stop_soc = value;
      break;
    case 0xE01D:
      model_.charge_stop_soc = value;
      break;
    case 0xE026:
      model_.slot1_start_min = minutes_of(value);
      break;
    case 0xE027:
      model_.slot1_end_min = minutes_of(value);
      break;
    case 0xE028:
      model_.slot2_start_min = minutes_of(value);
      break;
    case 0xE029:
      model_.slot2_end_min = minutes_of(value);
      break;
    default:
      break;
  }
}

}  // namespace sb::sim
