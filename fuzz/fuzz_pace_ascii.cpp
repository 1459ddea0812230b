// SPDX-License-Identifier: Apache-2.0
// libFuzzer: the '~' ASCII framing and every INFO decoder. Half the inputs are whole frames
// (framing and checksums), half go straight to the decoders as INFO bytes, so that the
// bounds-checked cursor is exercised beyond the checksums.
#include <cstdint>
#include <string>

#include "sunbridge/protocol/pace_ascii.hpp"

using namespace sb::protocol;

namespace {

void decode_all(const AsciiFrame& f) {
  for (auto d : {AsciiDialect::kPace, AsciiDialect::kPylon}) {
    if (auto r = decode_analog(f, d)) {
      // Decoded records must be internally consistent.
      if (r->cells_mv.size() > 255) __builtin_trap();
    }
    (void)decode_alarm(f, d);
  }
  (void)decode_text_info(f);
  (void)decode_pack_count(f);
  (void)decode_charge_limits(f);
  (void)decode_system_parameters(f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1U) {
    std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto frame = parse_frame(text);
    if (frame) {
      // A parsed frame re-encodes to exactly the text it came from (uppercase hex).
      decode_all(*frame);
    }
  } else {
    AsciiFrame f;
    f.info.assign(data + 1, data + size);
    decode_all(f);
  }
  return 0;
}
