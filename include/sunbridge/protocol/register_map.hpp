// SPDX-License-Identifier: Apache-2.0
// The inverter's register map as data: declarative rows loaded from JSON
// (profiles/inverter/*.json, embedded into the binaries) and checked when loaded.
// The registers: docs/inverter-registers.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sunbridge/core/derived_point.hpp"
#include "sunbridge/core/schema.hpp"

namespace sb::protocol {

enum class RegType {
  kU16,
  kS16,
  kU32,     // two registers, low word at the lower address (docs/inverter-registers.md)
  kString,  // one ASCII character per register, in the low byte
  kHhmm,    // hour * 256 + minute
  kEnum,    // u16 code -> text
  kClock,   // three registers: [yy-2000|month] [day|hour] [minute|second]
  kFaults,  // N registers of fault codes, 0 = none
};

enum class Access { kReadOnly, kReadWrite };
enum class Group { kIdentity, kLive, kSettings };

// Battery set-point voltages are stored normalised to a 12 V battery (docs/inverter-registers.md).
enum class Scaling { kNone, kBattery12V };

const char* to_string(RegType type);
const char* to_string(Group group);

struct RegisterRow {
  std::uint16_t address = 0;
  std::uint16_t length = 1;  // registers
  std::string name;          // canonical point name (points.md)
  RegType type = RegType::kU16;
  double scale = 1.0;
  std::string unit;
  Access access = Access::kReadOnly;
  Group group = Group::kLive;
  // Engineering range (in the unit, per 12 V for kBattery12V rows); writes are checked against it.
  std::optional<double> min, max;
  std::map<int, std::string> enum_values;
  // The firmware may number this list from 0 or from 1 (LCD 33, the BMS protocol list): the table
  // is 0-based and DecodeContext::list_base shifts it.
  bool numbering_varies = false;
  std::map<std::string, std::map<int, std::string>> enum_variants;  // e.g. machine state encodings
  int min_protocol = 0;  // raw 0x001C value required (194 = V1.94); 0 = always
  std::string lcd;       // LCD parameter ID ("07"), empty for non-settings
  std::string label;
  char confidence = 'I';  // C confirmed, D documented, I inferred
  bool negate = false;    // publish with the opposite sign (battery current, grid power)
  Scaling scaling = Scaling::kNone;

  [[nodiscard]] std::uint16_t end() const { return static_cast<std::uint16_t>(address + length); }
  [[nodiscard]] bool writable() const { return access == Access::kReadWrite; }
};

struct HoleRange {
  std::uint16_t first = 0;
  std::uint16_t last = 0;  // inclusive
};

// One entry of the installer's on-site verification list (docs/inverter-registers.md): read the
// register and compare with the LCD; some raw values carry a known interpretation.
struct VerificationItem {
  std::string lcd;
  std::map<int, std::string> raw_notes;
};

class RegisterMap {
 public:
  // Parses and checks a map document; every problem goes to `issues` (nullopt when any).
  static std::optional<RegisterMap> from_json(std::string_view text, schema::Issues& issues);
  // The map compiled into the binary (profiles/inverter/srne-spi-10k-u.json). A broken embedded
  // map is a build defect caught by the unit tests; here it throws std::runtime_error.
  static RegisterMap embedded();

  [[nodiscard]] const std::string& model() const { return model_; }
  [[nodiscard]] const std::vector<RegisterRow>& rows() const { return rows_; }
  [[nodiscard]] const std::vector<HoleRange>& holes() const { return holes_; }
  [[nodiscard]] const std::vector<DerivedPoint>& derived() const { return derived_; }
  [[nodiscard]] int max_registers_per_read() const { return max_registers_per_read_; }
  [[nodiscard]] const std::vector<VerificationItem>& onsite_verification() const {
    return verification_;
  }

  [[nodiscard]] const RegisterRow* find(std::string_view name) const;
  // "07" or "7" both find LCD parameter 07.
  [[nodiscard]] const RegisterRow* find_lcd(std::string_view id) const;
  [[nodiscard]] const RegisterRow* at_address(std::uint16_t address) const;
  [[nodiscard]] std::vector<const RegisterRow*> group(Group g) const;
  [[nodiscard]] std::vector<const RegisterRow*> settings_by_lcd() const;

 private:
  std::string model_;
  std::vector<RegisterRow> rows_;  // sorted by address
  std::vector<HoleRange> holes_;
  std::vector<DerivedPoint> derived_;
  std::vector<VerificationItem> verification_;
  int max_registers_per_read_ = 32;
};

// The JSON schema of a register map document (exposed for tests and tooling).
schema::Schema register_map_schema();

// "0x0100" / "256" -> 256. Nullopt if not a 16-bit address.
std::optional<std::uint16_t> parse_address(std::string_view text);
// 256 -> "0x0100" (the form the spec and the map use).
std::string format_address(std::uint16_t address);
// Normalises an LCD id: "7" -> "07". Empty when not 1-2 digits.
std::string normalize_lcd_id(std::string_view id);

}  // namespace sb::protocol
