// SPDX-License-Identifier: Apache-2.0
// libFuzzer: the Solarman V5 stream parser on arbitrary TCP byte streams fed in arbitrary chunks,
// the payload decoders on what it returns, and the discovery reply parser. It must never crash, hang or hold more than one
// frame's worth of bytes once drained; what it returns must check out again.
#include <cstdint>
#include <string_view>

#include "sunbridge/protocol/solarman_v5.hpp"

using namespace sb::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The whole input as a discovery reply too: accepted means every field checked out.
  if (auto reply = v5::parse_discovery_reply(
          std::string_view(reinterpret_cast<const char*>(data), size))) {
    if (reply->mac.size() != 12 || reply->ip.size() < 7 || reply->ip.size() > 15) __builtin_trap();
  }
  v5::StreamParser parser;
  std::size_t pos = 0;
  while (pos < size) {
    // One control byte per chunk: its low 7 bits are the chunk length.
    const std::uint8_t control = data[pos++];
    const std::size_t n = std::min<std::size_t>(control & 0x7F, size - pos);
    parser.feed(std::span(data + pos, n));
    pos += n;
    while (auto frame = parser.next()) {
      if (frame->payload.size() > v5::kMaxPayloadBytes) __builtin_trap();
      // A frame it returned re-encodes to one that decodes the same.
      if (auto rtu = v5::response_rtu(frame->payload)) {
        if (rtu->size() < 5 || rtu->size() > frame->payload.size()) __builtin_trap();
      }
      if (auto rtu = v5::request_rtu(frame->payload)) {
        const auto again = v5::encode_request(frame->serial, frame->seq, *rtu);
        auto back = v5::decode_frame(again);
        if (!back || back->serial != frame->serial || back->seq != frame->seq) __builtin_trap();
      }
    }
    if (parser.buffered() >= v5::kOverheadBytes + v5::kMaxPayloadBytes) __builtin_trap();
  }
  return 0;
}
