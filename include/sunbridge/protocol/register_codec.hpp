// SPDX-License-Identifier: Apache-2.0
// Pure conversion between register words and point values, one function per direction, for every
// row type of the register map. No I/O. Encodings: docs/inverter-registers.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/point.hpp"
#include "sunbridge/core/result.hpp"
#include "sunbridge/protocol/fault_table.hpp"
#include "sunbridge/protocol/register_map.hpp"

namespace sb::protocol {

// How `voltage_scale` reads battery set-point voltages (docs/inverter-registers.md).
enum class VoltageScale {
  kAuto,        // normalised to 12 V, factor from E003 (the common case: five units confirmed)
  kNormalized,  // same as auto; named for configuration symmetry
  kReal,        // firmware that stores real volts x10
};

struct DecodeContext {
  // Volts per 12 V-normalised volt: E003 / 12 (4 for a 48 V bank), or 1 for real-volt firmware.
  // Nullopt while unknown: 12 V-normalised rows then decode as invalid, never as a guess.
  std::optional<double> battery_voltage_factor;
  // Which enum_variants table to use (e.g. "split-phase" for the machine state).
  std::string enum_variant = "split-phase";
  // Where this firmware starts numbering lists whose numbering varies (rows with
  // numbering_varies): 0 as the map's tables, or 1 (raw 8 is then the map's 7).
  int list_base = 0;
  const FaultTable* faults = nullptr;
};

// The factor for `voltage_scale` given E003's raw value; nullopt when E003 is not 12/24/36/48.
std::optional<double> battery_voltage_factor(VoltageScale scale,
                                             std::optional<std::uint16_t> rated_voltage_raw);

// Decodes `words` (exactly row.length registers) into the row's value.
// Malformed: wrong word count, impossible clock or slot time, unknown enum variant.
Result<PointValue> decode(const RegisterRow& row, std::span<const std::uint16_t> words,
                          const DecodeContext& ctx);

// What a number row's value needs from the context, worked out once: the step between raw
// values in the row's unit and the decimals it implies. A poller that decodes the same rows
// every cycle keeps these (the search for the decimals showed in the poll's profile).
struct NumberScale {
  bool known = false;  // false: not a number row, or its step needs the unknown E003 factor
  double step = 1.0;
  int decimals = -1;
};
NumberScale number_scale(const RegisterRow& row, const DecodeContext& ctx);

// As decode(), with the row's scale as number_scale() gave it for this `ctx`.
Result<PointValue> decode(const RegisterRow& row, std::span<const std::uint16_t> words,
                          const DecodeContext& ctx, const NumberScale& scale);

// As decode(), written over `out`: text reuses the buffer of the string `out` holds (a poll
// decodes the same enum, clock and slot-time rows every cycle; building a new string for each
// showed in its profile). On an error `out` holds something unspecified: decode into a value
// that is thrown away or written over then.
Status decode_into(const RegisterRow& row, std::span<const std::uint16_t> words,
                   const DecodeContext& ctx, const NumberScale& scale, PointValue& out);

// A number row's value from exactly row.length words, for a `scale` number_scale() gave as known
// (it is known only for number rows): what decode() returns for it, without building a
// PointValue (a poll decodes about a hundred numbers a cycle).
double decode_number(const RegisterRow& row, std::span<const std::uint16_t> words,
                     const NumberScale& scale);

// Decimal places a number of this row is worth showing: those of its step (0.1 V -> 1, a 0.4 V
// step on a 48 V bank -> 1, 1 W -> 0); -1 for rows that are not numbers.
int display_decimals(const RegisterRow& row, const DecodeContext& ctx);

// Encodes a value for writing. Numbers must be within the row's range and exactly representable
// (57.5 V on a 48 V bank is not: the step is 0.4 V); enums take their text or code; hhmm takes
// "HH:MM"; clock takes "YYYY-MM-DD HH:MM:SS". Errors are kInvalid with a reason.
Result<std::vector<std::uint16_t>> encode(const RegisterRow& row, const PointValue& value,
                                          const DecodeContext& ctx);

// Parses a user-typed value for a row ("60", "03:00", "SBU", "57.6") into a PointValue that
// encode() accepts.
Result<PointValue> parse_user_value(const RegisterRow& row, const std::string& text);

// The inverter clock registers 0x020C-0x020E <-> civil (site local) time.
Result<CivilTime> decode_clock(std::span<const std::uint16_t> words);
Result<std::vector<std::uint16_t>> encode_clock(const CivilTime& t);

// hour * 256 + minute <-> "HH:MM".
Result<std::string> decode_hhmm(std::uint16_t raw);
Result<std::uint16_t> encode_hhmm(std::string_view text);

}  // namespace sb::protocol
