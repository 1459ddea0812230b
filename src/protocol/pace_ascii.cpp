// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/protocol/pace_ascii.hpp"

#include <cmath>
#include <cstdio>

#include "sunbridge/protocol/byte_cursor.hpp"
#include "sunbridge/protocol/pace_flags.hpp"

namespace sb::protocol {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void put_hex(std::string& out, std::uint8_t b) {
  out.push_back(kHex[b >> 4]);
  out.push_back(kHex[b & 0xF]);
}

std::string hex4(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04X", v & 0xFFFF);
  return buf;
}

// Temperatures are 0.1 K: PACE subtracts 2730, Pylon 2731 (bms.md section 4).
double kelvin_tenths_to_c(std::uint16_t raw, AsciiDialect d) {
  const int offset = d == AsciiDialect::kPace ? 2730 : 2731;
  return std::round(static_cast<double>(static_cast<int>(raw) - offset)) / 10.0;
}

std::uint16_t c_to_kelvin_tenths(double c, AsciiDialect d) {
  const int offset = d == AsciiDialect::kPace ? 2730 : 2731;
  return static_cast<std::uint16_t>(std::lround(c * 10.0) + offset);
}

// Sensors that are not fitted read as absurd values; report nothing rather than -273 C.
bool plausible_temperature(double c) {
  return c > -50.0 && c < 150.0;
}

Status check_response(const AsciiFrame& f, const char* what) {
  if (f.cid2 != 0) {
    return Error{ErrorKind::kException, f.cid2,
                 std::string(what) + ": BMS answered RTN " + hex4(f.cid2).substr(2) + " (" +
                     rtn_text(f.cid2) + ")",
                 Retry::kPermanent};
  }
  return {};
}

}  // namespace

// Reads one field or returns its Malformed error from the enclosing decoder.
#define SB_TRY(var, expr)               \
  auto var##_r = (expr);                \
  if (!var##_r) return var##_r.error(); \
  auto var = *var##_r

std::uint8_t length_checksum(std::uint16_t lenid) {
  unsigned sum = (lenid & 0xF) + ((lenid >> 4) & 0xF) + ((lenid >> 8) & 0xF);
  return static_cast<std::uint8_t>((~(sum % 16) + 1) & 0xF);
}

std::uint16_t frame_checksum(std::string_view chars) {
  unsigned sum = 0;
  for (char c : chars)
    sum += static_cast<unsigned char>(c);
  return static_cast<std::uint16_t>((~(sum % 65536) + 1) & 0xFFFF);
}

std::string encode_frame(const AsciiFrame& f) {
  std::string body;
  put_hex(body, f.ver);
  put_hex(body, f.adr);
  put_hex(body, f.cid1);
  put_hex(body, f.cid2);
  const auto lenid = static_cast<std::uint16_t>((f.info.size() * 2) & 0x0FFF);
  body += hex4(static_cast<unsigned>(length_checksum(lenid)) << 12 | lenid);
  for (auto b : f.info)
    put_hex(body, b);
  return "~" + body + hex4(frame_checksum(body)) + "\r";
}

std::string encode_request(std::uint8_t ver, std::uint8_t adr, std::uint8_t command,
                           std::optional<std::uint8_t> target) {
  AsciiFrame f;
  f.ver = ver;
  f.adr = adr;
  f.cid2 = command;
  if (target) f.info.push_back(*target);
  return encode_frame(f);
}

Result<AsciiFrame> parse_frame(std::string_view text) {
  // '~' + 12 header characters + INFO + 4 checksum characters + CR
  if (text.size() < 18) return Error::malformed("ASCII frame shorter than its header");
  if (text.front() != '~') return Error::malformed("ASCII frame does not start with '~'");
  if (text.back() != '\r') return Error::malformed("ASCII frame does not end with CR");
  const std::string_view body = text.substr(1, text.size() - 2);
  for (char c : body) {
    if (hex_value(c) < 0) return Error::malformed("non-hex character in ASCII frame");
  }
  auto byte_at = [&](std::size_t i) {
    return static_cast<std::uint8_t>(hex_value(body[i]) << 4 | hex_value(body[i + 1]));
  };
  AsciiFrame f;
  f.ver = byte_at(0);
  f.adr = byte_at(2);
  f.cid1 = byte_at(4);
  f.cid2 = byte_at(6);
  const auto length = static_cast<std::uint16_t>(byte_at(8) << 8 | byte_at(10));
  const auto lenid = static_cast<std::uint16_t>(length & 0x0FFF);
  if ((length >> 12) != length_checksum(lenid)) {
    return Error::crc("LENGTH checksum wrong (LCHKSUM)");
  }
  const std::size_t info_chars = body.size() - 12 - 4;
  if (lenid != info_chars) {
    return Error::malformed("LENID says " + std::to_string(lenid) + " INFO characters, frame has " +
                            std::to_string(info_chars));
  }
  if (lenid % 2 != 0) return Error::malformed("odd LENID");
  const std::string_view checked = body.substr(0, body.size() - 4);
  unsigned given = 0;
  for (char c : body.substr(body.size() - 4))
    given = given << 4 | static_cast<unsigned>(hex_value(c));
  if (given != frame_checksum(checked)) return Error::crc("frame checksum wrong (CHKSUM)");
  for (std::size_t i = 0; i < info_chars; i += 2)
    f.info.push_back(byte_at(12 + i));
  return f;
}

const char* rtn_text(std::uint8_t rtn) {
  switch (rtn) {
    case 0x00:
      return "normal";
    case 0x01:
      return "VER error";
    case 0x02:
      return "CHKSUM error";
    case 0x03:
      return "LCHKSUM error";
    case 0x04:
      return "CID2 invalid";
    case 0x05:
      return "command format error";
    case 0x06:
      return "invalid data";
    case 0x90:
      return "ADR error";
    case 0x91:
      return "internal communication error";
    default:
      return "unknown";
  }
}

Result<PackRecord> decode_analog(const AsciiFrame& response, AsciiDialect d) {
  if (Status s = check_response(response, "analog"); !s) return s.error();
  ByteCursor c(response.info, "analog INFO");
  PackRecord r;
  SB_TRY(infoflag, c.u8());
  (void)infoflag;
  SB_TRY(addr, c.u8());
  r.pack = addr;
  SB_TRY(cells, c.u8());
  for (int i = 0; i < cells; ++i) {
    SB_TRY(mv, c.u16());
    r.cells_mv.push_back(mv);
  }
  SB_TRY(sensors, c.u8());
  std::vector<double> temps;
  for (int i = 0; i < sensors; ++i) {
    SB_TRY(t, c.u16());
    temps.push_back(kelvin_tenths_to_c(t, d));
  }
  auto keep = [](double t) {
    return plausible_temperature(t) ? std::optional<double>(t) : std::nullopt;
  };
  if (d == AsciiDialect::kPace) {
    // T1-T4 cells, T5 MOSFET, T6 environment; fewer sensors are all cell sensors.
    std::size_t cell_sensors = temps.size() >= 6 ? temps.size() - 2 : temps.size();
    for (std::size_t i = 0; i < cell_sensors; ++i) {
      if (plausible_temperature(temps[i])) r.temps_c.push_back(temps[i]);
    }
    if (temps.size() >= 6) {
      r.mos_temp_c = keep(temps[temps.size() - 2]);
      r.ambient_temp_c = keep(temps.back());
    }
  } else {
    // Pylon: T1 is the BMS board, the rest are cell sensors.
    for (std::size_t i = 0; i < temps.size(); ++i) {
      if (i == 0) {
        r.mos_temp_c = keep(temps[0]);
      } else if (plausible_temperature(temps[i])) {
        r.temps_c.push_back(temps[i]);
      }
    }
  }
  const bool pace = d == AsciiDialect::kPace;
  SB_TRY(current, c.s16());
  r.current_a = pace ? current / 100.0 : current / 10.0;
  SB_TRY(voltage, c.u16());
  r.voltage_v = voltage / 1000.0;
  const double capacity_unit = pace ? 100.0 : 1000.0;  // 10 mAh vs 1 mAh, to Ah
  SB_TRY(remaining, c.u16());
  r.remaining_ah = remaining / capacity_unit;
  SB_TRY(p, c.u8());
  SB_TRY(full, c.u16());
  r.full_ah = full / capacity_unit;
  SB_TRY(cycles, c.u16());
  r.cycles = cycles;
  if (pace && c.remaining() >= 2) {
    SB_TRY(design, c.u16());
    r.design_ah = design / capacity_unit;
  }
  // P = 4: capacities above 65 Ah follow as 3-byte fields (bms.md section 4).
  if (p == 4 && c.remaining() >= 6) {
    SB_TRY(remaining3, c.u24());
    SB_TRY(full3, c.u24());
    r.remaining_ah = remaining3 / capacity_unit;
    r.full_ah = full3 / capacity_unit;
  }
  derive_soc_soh(r);
  return r;
}

Result<PackRecord> decode_alarm(const AsciiFrame& response, AsciiDialect d) {
  if (Status s = check_response(response, "alarm"); !s) return s.error();
  ByteCursor c(response.info, "alarm INFO");
  PackRecord r;
  r.has_flags = true;
  SB_TRY(infoflag, c.u8());
  (void)infoflag;
  SB_TRY(addr, c.u8());
  r.pack = addr;
  SB_TRY(cells, c.u8());
  for (int i = 1; i <= cells; ++i) {
    SB_TRY(w, c.u8());
    if (w == 1) r.warnings.push_back("cell " + std::to_string(i) + " below its limit");
    if (w == 2) r.warnings.push_back("cell " + std::to_string(i) + " above its limit");
    if (w == 0xF0) r.warnings.push_back("cell " + std::to_string(i) + " error");
  }
  SB_TRY(sensors, c.u8());
  for (int i = 1; i <= sensors; ++i) {
    SB_TRY(w, c.u8());
    if (w == 1) r.warnings.push_back("temperature " + std::to_string(i) + " low");
    if (w == 2) r.warnings.push_back("temperature " + std::to_string(i) + " high");
  }
  SB_TRY(charge_current, c.u8());
  SB_TRY(pack_voltage, c.u8());
  SB_TRY(discharge_current, c.u8());
  if (charge_current == 2) r.warnings.emplace_back("charge over-current");
  if (pack_voltage == 1) r.warnings.emplace_back("pack under-voltage");
  if (pack_voltage == 2) r.warnings.emplace_back("pack over-voltage");
  if (discharge_current == 2) r.warnings.emplace_back("discharge over-current");
  if (d == AsciiDialect::kPylon) {
    // Pylon's status bytes differ from PACE's and are not documented in the spec: report them raw.
    while (!c.at_end()) {
      SB_TRY(b, c.u8());
      if (b != 0)
        r.warnings.push_back("status byte " + std::to_string(c.position()) + " = " +
                             hex4(b).substr(2));
    }
    return r;
  }
  SB_TRY(protect1, c.u8());
  SB_TRY(protect2, c.u8());
  SB_TRY(system_state, c.u8());
  SB_TRY(control, c.u8());
  (void)control;
  SB_TRY(fault, c.u8());
  SB_TRY(balance1, c.u8());
  SB_TRY(balance2, c.u8());
  SB_TRY(warn1, c.u8());
  SB_TRY(warn2, c.u8());
  decode_flags(protect1, ascii_protect1_bits(), r.protections);
  decode_flags(protect2, ascii_protect2_bits(), r.protections);
  decode_flags(protect2, ascii_protect2_state_bits(), r.states);
  decode_flags(system_state, ascii_system_state_bits(), r.states);
  decode_flags(fault, ascii_fault_bits(), r.faults);
  r.balancing = static_cast<std::uint32_t>(balance2) << 8 | balance1;
  // warn1/warn2 bit meanings are not in the spec: report them raw rather than guess.
  if (warn1 != 0) r.warnings.push_back("warn1 = " + hex4(warn1).substr(2));
  if (warn2 != 0) r.warnings.push_back("warn2 = " + hex4(warn2).substr(2));
  return r;
}

Result<std::string> decode_text_info(const AsciiFrame& response) {
  if (Status s = check_response(response, "text"); !s) return s.error();
  std::string out;
  for (auto b : response.info) {
    if (b == 0) break;
    out.push_back(b >= 0x20 && b < 0x7F ? static_cast<char>(b) : '?');
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

Result<int> decode_pack_count(const AsciiFrame& response) {
  if (Status s = check_response(response, "pack count"); !s) return s.error();
  ByteCursor c(response.info, "pack count INFO");
  SB_TRY(n, c.u8());
  return static_cast<int>(n);
}

Result<ChargeLimits> decode_charge_limits(const AsciiFrame& response) {
  if (Status s = check_response(response, "charge limits"); !s) return s.error();
  ByteCursor c(response.info, "charge limits INFO");
  ChargeLimits l;
  SB_TRY(pack, c.u8());
  l.pack = pack;
  SB_TRY(cvl, c.u16());
  SB_TRY(dvl, c.u16());
  SB_TRY(ccl, c.s16());
  SB_TRY(dcl, c.s16());
  SB_TRY(status, c.u8());
  l.charge_voltage_limit_v = cvl / 1000.0;
  l.discharge_voltage_limit_v = dvl / 1000.0;
  l.charge_current_limit_a = ccl / 10.0;
  l.discharge_current_limit_a = dcl / 10.0;
  l.status = status;
  l.charge_enabled = (status & 0x80) != 0;
  l.discharge_enabled = (status & 0x40) != 0;
  return l;
}

Result<SystemParameters> decode_system_parameters(const AsciiFrame& response) {
  if (Status s = check_response(response, "system parameters"); !s) return s.error();
  ByteCursor c(response.info, "system parameters INFO");
  // INFOFLAG, then twelve 2-byte limits (Pylon v20): mV, 0.1 K, 0.1 A.
  SB_TRY(infoflag, c.u8());
  (void)infoflag;
  SystemParameters p;
  double* volts[] = {&p.cell_high_v, &p.cell_low_v, &p.cell_under_v};
  for (double* v : volts) {
    SB_TRY(raw, c.u16());
    *v = raw / 1000.0;
  }
  SB_TRY(cht, c.u16());
  p.charge_high_temp_c = kelvin_tenths_to_c(cht, AsciiDialect::kPylon);
  SB_TRY(clt, c.u16());
  p.charge_low_temp_c = kelvin_tenths_to_c(clt, AsciiDialect::kPylon);
  SB_TRY(ccl, c.s16());
  p.charge_current_limit_a = ccl / 10.0;
  double* module[] = {&p.module_high_v, &p.module_low_v, &p.module_under_v};
  for (double* v : module) {
    SB_TRY(raw, c.u16());
    *v = raw / 1000.0;
  }
  SB_TRY(dht, c.u16());
  p.discharge_high_temp_c = kelvin_tenths_to_c(dht, AsciiDialect::kPylon);
  SB_TRY(dlt, c.u16());
  p.discharge_low_temp_c = kelvin_tenths_to_c(dlt, AsciiDialect::kPylon);
  SB_TRY(dcl, c.s16());
  p.discharge_current_limit_a = dcl / 10.0;
  return p;
}

std::vector<std::uint8_t> encode_analog_info(const PackRecord& r, AsciiDialect d) {
  std::vector<std::uint8_t> out;
  auto u8 = [&](unsigned v) { out.push_back(static_cast<std::uint8_t>(v)); };
  auto u16 = [&](long v) {
    out.push_back(static_cast<std::uint8_t>((v >> 8) & 0xFF));
    out.push_back(static_cast<std::uint8_t>(v & 0xFF));
  };
  const bool pace = d == AsciiDialect::kPace;
  u8(0);  // INFOFLAG
  u8(static_cast<unsigned>(r.pack));
  u8(static_cast<unsigned>(r.cells_mv.size()));
  for (double mv : r.cells_mv)
    u16(std::lround(mv));
  std::vector<double> temps;
  if (pace) {
    temps = r.temps_c;
    temps.push_back(r.mos_temp_c.value_or(0));
    temps.push_back(r.ambient_temp_c.value_or(0));
  } else {
    temps.push_back(r.mos_temp_c.value_or(0));
    temps.insert(temps.end(), r.temps_c.begin(), r.temps_c.end());
  }
  u8(static_cast<unsigned>(temps.size()));
  for (double t : temps)
    u16(c_to_kelvin_tenths(t, d));
  u16(std::lround(r.current_a.value_or(0) * (pace ? 100.0 : 10.0)));
  u16(std::lround(r.voltage_v.value_or(0) * 1000.0));
  const double unit = pace ? 100.0 : 1000.0;
  u16(std::lround(r.remaining_ah.value_or(0) * unit));
  u8(pace ? 3 : 2);
  u16(std::lround(r.full_ah.value_or(0) * unit));
  u16(r.cycles.value_or(0));
  if (pace) u16(std::lround(r.design_ah.value_or(0) * unit));
  return out;
}

std::vector<std::uint8_t> encode_alarm_info(int pack, const AlarmBytes& a) {
  std::vector<std::uint8_t> out = {0, static_cast<std::uint8_t>(pack),
                                   static_cast<std::uint8_t>(a.cell_warn.size())};
  out.insert(out.end(), a.cell_warn.begin(), a.cell_warn.end());
  out.push_back(static_cast<std::uint8_t>(a.temp_warn.size()));
  out.insert(out.end(), a.temp_warn.begin(), a.temp_warn.end());
  for (std::uint8_t b :
       {a.charge_current_warn, a.pack_voltage_warn, a.discharge_current_warn, a.protect1,
        a.protect2, a.system_state, a.control, a.fault, a.balance1, a.balance2, a.warn1, a.warn2}) {
    out.push_back(b);
  }
  return out;
}

#undef SB_TRY

}  // namespace sb::protocol
