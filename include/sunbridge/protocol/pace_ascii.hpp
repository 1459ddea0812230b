// SPDX-License-Identifier: Apache-2.0
// The '~' ASCII protocol shared by PACE v25 and Pylon v20 (bms.md section 4):
//   ~ VER ADR CID1 CID2 LENGTH INFO CHKSUM CR, every byte as two uppercase hex characters.
// Framing checks LENGTH's LCHKSUM and the frame CHKSUM; the INFO is then parsed by LENID with a
// bounds-checked cursor, never by fixed sizes. Pure functions; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sunbridge/core/result.hpp"
#include "sunbridge/protocol/pack_record.hpp"

namespace sb::protocol {

enum class AsciiDialect {
  kPace,   // PACE v25: current 10 mA, capacities 10 mAh, temperatures 0.1 K - 2730
  kPylon,  // Pylon v20: current 100 mA, capacities 1 mAh, temperatures 0.1 K - 2731
};

inline constexpr std::uint8_t kCid1LiFePO4 = 0x46;
inline constexpr std::uint8_t kCmdAnalog = 0x42;
inline constexpr std::uint8_t kCmdAlarm = 0x44;
inline constexpr std::uint8_t kCmdSystemParameters = 0x47;  // Pylon
inline constexpr std::uint8_t kCmdPackCount = 0x90;
inline constexpr std::uint8_t kCmdChargeLimits = 0x92;  // Pylon
inline constexpr std::uint8_t kCmdHardwareVersion = 0xC1;
inline constexpr std::uint8_t kCmdSerial = 0xC2;
inline constexpr std::size_t kMaxAsciiFrameChars = 18 + 0xFFF;  // header, longest INFO, CR

struct AsciiFrame {
  std::uint8_t ver = 0x25;
  std::uint8_t adr = 1;
  std::uint8_t cid1 = kCid1LiFePO4;
  std::uint8_t cid2 = 0;  // command in a request, RTN (00 = OK) in a response
  std::vector<std::uint8_t> info;
};

// LCHKSUM of a 12-bit LENID: (~(sum of its nibbles mod 16) + 1) & 0xF.
std::uint8_t length_checksum(std::uint16_t lenid);
// CHKSUM over the characters after '~' and before the checksum: two's complement of the sum.
std::uint16_t frame_checksum(std::string_view chars);

std::string encode_frame(const AsciiFrame& frame);
// Request for `command` about pack `target` through bus address `adr` (ADR = master, INFO =
// target pack; bms.md section 2).
std::string encode_request(std::uint8_t ver, std::uint8_t adr, std::uint8_t command,
                           std::optional<std::uint8_t> target);

// Strict framing. kCrc for LCHKSUM/CHKSUM mismatches, kMalformed for anything else.
Result<AsciiFrame> parse_frame(std::string_view text);

// Response text for RTN codes (00 OK, 01 VER, 02 CHKSUM, ... 90 ADR, 91 internal).
const char* rtn_text(std::uint8_t rtn);

// 0x42 analog response -> pack record (SOC and SOH derived). Fails on RTN != 0.
Result<PackRecord> decode_analog(const AsciiFrame& response, AsciiDialect dialect);
// 0x44 alarm response -> pack record carrying flags only.
Result<PackRecord> decode_alarm(const AsciiFrame& response, AsciiDialect dialect);
// 0xC1 / 0xC2: up to 20 ASCII characters.
Result<std::string> decode_text_info(const AsciiFrame& response);
// 0x90: number of packs.
Result<int> decode_pack_count(const AsciiFrame& response);

struct ChargeLimits {  // Pylon 0x92
  int pack = 0;
  double charge_voltage_limit_v = 0;
  double discharge_voltage_limit_v = 0;
  double charge_current_limit_a = 0;
  double discharge_current_limit_a = 0;  // negative
  std::uint8_t status = 0;
  bool charge_enabled = false;     // status bit 7
  bool discharge_enabled = false;  // status bit 6
};
Result<ChargeLimits> decode_charge_limits(const AsciiFrame& response);

struct SystemParameters {  // Pylon 0x47; voltages V, temperatures C, currents A
  double cell_high_v = 0, cell_low_v = 0, cell_under_v = 0;
  double charge_high_temp_c = 0, charge_low_temp_c = 0, charge_current_limit_a = 0;
  double module_high_v = 0, module_low_v = 0, module_under_v = 0;
  double discharge_high_temp_c = 0, discharge_low_temp_c = 0, discharge_current_limit_a = 0;
};
Result<SystemParameters> decode_system_parameters(const AsciiFrame& response);

// The inverse of decode_analog/decode_alarm for the simulator. Writes what `r` holds; missing
// fields are sent as zero.
std::vector<std::uint8_t> encode_analog_info(const PackRecord& r, AsciiDialect dialect);

// The raw fields of a PACE v25 0x44 alarm INFO (after INFOFLAG and ADDR).
struct AlarmBytes {
  std::vector<std::uint8_t> cell_warn;  // per cell: 0 normal, 1 below limit, 2 above, F0 other
  std::vector<std::uint8_t> temp_warn;  // per sensor: 0 normal, 1 low, 2 high
  std::uint8_t charge_current_warn = 0, pack_voltage_warn = 0, discharge_current_warn = 0;
  std::uint8_t protect1 = 0, protect2 = 0, system_state = 0, control = 0, fault = 0;
  std::uint8_t balance1 = 0, balance2 = 0, warn1 = 0, warn2 = 0;
};
std::vector<std::uint8_t> encode_alarm_info(int pack, const AlarmBytes& alarm);

}  // namespace sb::protocol
