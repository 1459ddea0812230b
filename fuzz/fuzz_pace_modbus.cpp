// SPDX-License-Identifier: Apache-2.0
// libFuzzer: PACE Modbus responses as RTU bytes, and the register block decoders on arbitrary
// words.
#include <cstdint>
#include <vector>

#include "sunbridge/protocol/pace_modbus.hpp"
#include "sunbridge/protocol/rtu_frame.hpp"

using namespace sb::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::span<const std::uint8_t> bytes(data, size);
  (void)decode_read_request(bytes);
  // As a response to a plausible request taken from the first two bytes.
  const ReadRequest req{data[0], 0, static_cast<std::uint16_t>(1 + data[1] % 125)};
  if (auto words = decode_read_response(bytes.subspan(2), req)) {
    if (words->size() != req.count) __builtin_trap();
  }
  // Words straight into the block decoders, at any length (only exact lengths decode).
  std::vector<std::uint16_t> words;
  for (std::size_t i = 0; i + 1 < size; i += 2)
    words.push_back(static_cast<std::uint16_t>(data[i] << 8 | data[i + 1]));
  (void)decode_pace_registers(data[0], words);
  if (words.size() >= kPaceAnalogCount) {
    auto r = decode_pace_registers(data[0], std::span(words).first(kPaceAnalogCount));
    if (!r || r->cells_mv.size() != 16) __builtin_trap();
  }
  PackRecord info;
  if (words.size() >= kPaceInfoCount)
    (void)decode_pace_info(std::span(words).first(kPaceInfoCount), info);
  return 0;
}
