// SPDX-License-Identifier: Apache-2.0
// libFuzzer: the messages between sunbridged and its helper sunbridge-fetch, read as a request
// (what the helper takes) and as a reply (what the daemon takes). Never a crash; what is
// accepted re-encodes to exactly the same bytes, so nothing is read that was not announced.
#include <cstdint>
#include <string_view>
#include <variant>

#include "sunbridge/adapters/fetch_protocol.hpp"

using namespace sb::adapters;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto request = decode_fetch_request(bytes)) {
    // Accepted: the sizes announced add up to the input, and it survives a round trip.
    auto again = decode_fetch_request(encode_fetch_request(*request));
    if (!again || again->index() != request->index()) __builtin_trap();
    if (const auto* mail = std::get_if<FetchMail>(&*request)) {
      const auto& other = std::get<FetchMail>(*again).message;
      if (other.text != mail->message.text ||
          other.attachments.size() != mail->message.attachments.size()) {
        __builtin_trap();
      }
      std::size_t carried = mail->message.text.size();
      for (const auto& a : mail->message.attachments)
        carried += a.data.size();
      if (carried > size) __builtin_trap();
    }
  }
  auto reply = decode_fetch_reply(bytes);
  if (reply) {
    if (reply->size() > size) __builtin_trap();
    auto again = decode_fetch_reply(encode_fetch_reply(reply));
    if (!again || *again != *reply) __builtin_trap();
  } else if (reply.error().detail.empty()) {
    __builtin_trap();  // a refusal always says why
  }
  return 0;
}
