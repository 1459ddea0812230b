// SPDX-License-Identifier: Apache-2.0
// libFuzzer: register words as a device answers them, decoded for any row of the shipped map under
// any decoding context. decode() and decode_into() over a value of another kind must agree; a
// number is finite; text holds no control character (it reaches logs and terminals).
// Seeds (fuzz/corpus/register_words): the words of the codec's unit tests - the clock 2026-11-22
// 14:05:09, fault codes 12, 58 and 999, charge state 4, state 10 in the SRNE table, slot time
// 23:09, a 12 V-normalised set-point on a 48 V bank, a serial number.
#include <cmath>
#include <cstdint>
#include <vector>

#include "sunbridge/protocol/fault_table.hpp"
#include "sunbridge/protocol/register_codec.hpp"
#include "sunbridge/protocol/register_map.hpp"

using namespace sb;
using namespace sb::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const RegisterMap map = RegisterMap::embedded();
  static const FaultTable faults = FaultTable::embedded();
  if (size < 3) return 0;
  // Byte 0: the row; byte 1: the context; the rest: big-endian words, as many as there are.
  const auto& rows = map.rows();
  const RegisterRow& row = rows[data[0] % rows.size()];
  DecodeContext ctx;
  const std::uint8_t c = data[1];
  if ((c & 0x03) != 0) ctx.battery_voltage_factor = static_cast<double>(c & 0x03);
  ctx.enum_variant = (c & 0x04) != 0 ? "srne" : "split-phase";
  ctx.list_base = (c & 0x08) != 0 ? 1 : 0;
  if ((c & 0x10) != 0) ctx.faults = &faults;
  std::vector<std::uint16_t> words;
  for (std::size_t i = 2; i + 1 < size; i += 2)
    words.push_back(static_cast<std::uint16_t>((data[i] << 8) | data[i + 1]));

  const NumberScale scale = number_scale(row, ctx);
  auto plain = decode(row, words, ctx, scale);
  if (plain.ok() && words.size() != row.length) __builtin_trap();  // never sliced or padded
  // Over a value of every other kind, as a kept report's slot may hold.
  const PointValue before[] = {PointValue{}, PointValue{2.5}, PointValue{std::string(40, 'x')},
                               PointValue{std::vector<FaultCode>{{1, "n", "t"}}}};
  for (const PointValue& held : before) {
    PointValue into = held;
    Status s = decode_into(row, words, ctx, scale, into);
    if (s.ok() != plain.ok()) __builtin_trap();
    if (s.ok() && !(into == *plain)) __builtin_trap();
  }
  if (!plain.ok()) return 0;
  if (const double* v = std::get_if<double>(&*plain); v != nullptr && !std::isfinite(*v)) {
    __builtin_trap();
  }
  if (const auto* text = std::get_if<std::string>(&*plain);
      text != nullptr && row.type == RegType::kString) {
    for (char ch : *text) {
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F) __builtin_trap();
    }
  }
  return 0;
}
