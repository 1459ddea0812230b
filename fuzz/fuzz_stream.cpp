// SPDX-License-Identifier: Apache-2.0
// libFuzzer: the frame recogniser on arbitrary byte streams fed in arbitrary chunks, with line
// silences. It must never crash, hang, or hold more than its bound.
#include <cstdint>

#include "sunbridge/protocol/frame_recognizer.hpp"

using namespace sb::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FrameRecognizer r;
  std::size_t pos = 0;
  std::size_t fed = 0;
  while (pos < size) {
    // One control byte per chunk: its low 6 bits are the chunk length, the top bit a silence.
    const std::uint8_t control = data[pos++];
    const std::size_t n = std::min<std::size_t>(control & 0x3F, size - pos);
    r.feed(std::span(data + pos, n));
    pos += n;
    fed += n;
    if (control & 0x80) r.line_idle();
    while (auto f = r.next()) {
      if (f->bytes.empty()) __builtin_trap();
    }
    if (r.buffered() > FrameRecognizer::kMaxBuffered) __builtin_trap();
  }
  r.line_idle();
  while (r.next()) {
  }
  // After a silence nothing is held back, and every byte fed was counted.
  if (r.buffered() != 0 || r.counters().bytes != fed) __builtin_trap();
  return 0;
}
