// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/protocol/rtu_frame.hpp"

#include "sunbridge/protocol/byte_cursor.hpp"
#include "sunbridge/protocol/rtu_wire.hpp"

namespace sb::protocol {

bool rtu_crc_ok(std::span<const std::uint8_t> frame) {
  if (frame.size() < 4) return false;
  const std::uint16_t crc = crc16_modbus(frame.first(frame.size() - 2));
  return frame[frame.size() - 2] == (crc & 0xFF) && frame[frame.size() - 1] == (crc >> 8);
}

void append_crc(std::vector<std::uint8_t>& frame) {
  const std::uint16_t crc = crc16_modbus(frame);
  frame.push_back(static_cast<std::uint8_t>(crc & 0xFF));
  frame.push_back(static_cast<std::uint8_t>(crc >> 8));
}

std::vector<std::uint8_t> encode_read_request(const ReadRequest& r) {
  std::vector<std::uint8_t> f = {r.slave,
                                 0x03,
                                 static_cast<std::uint8_t>(r.start >> 8),
                                 static_cast<std::uint8_t>(r.start & 0xFF),
                                 static_cast<std::uint8_t>(r.count >> 8),
                                 static_cast<std::uint8_t>(r.count & 0xFF)};
  append_crc(f);
  return f;
}

Result<ReadRequest> decode_read_request(std::span<const std::uint8_t> frame) {
  if (frame.size() != 8) return Error::malformed("a read request is 8 bytes");
  if (!rtu_crc_ok(frame)) return Error::crc("read request CRC");
  if (frame[1] != 0x03) return Error::malformed("not a read (FC 0x03) request");
  ByteCursor c(frame.subspan(2, 4), "read request");
  ReadRequest r;
  r.slave = frame[0];
  r.start = *c.u16();
  r.count = *c.u16();
  if (r.count == 0 || r.count > 125)
    return Error::malformed("read of 0 or more than 125 registers");
  return r;
}

std::vector<std::uint8_t> encode_read_response(std::uint8_t slave,
                                               std::span<const std::uint16_t> words) {
  std::vector<std::uint8_t> f = {slave, 0x03, static_cast<std::uint8_t>(words.size() * 2)};
  for (auto w : words) {
    f.push_back(static_cast<std::uint8_t>(w >> 8));
    f.push_back(static_cast<std::uint8_t>(w & 0xFF));
  }
  append_crc(f);
  return f;
}

std::vector<std::uint8_t> encode_exception_response(std::uint8_t slave, std::uint8_t function,
                                                    std::uint8_t code) {
  std::vector<std::uint8_t> f = {slave, static_cast<std::uint8_t>(function | 0x80), code};
  append_crc(f);
  return f;
}

Result<std::vector<std::uint16_t>> decode_read_response(std::span<const std::uint8_t> frame,
                                                        const ReadRequest& request) {
  if (frame.size() < 5) return Error::malformed("response shorter than 5 bytes");
  if (!rtu_crc_ok(frame)) return Error::crc("response CRC");
  if (frame[0] != request.slave) return Error::malformed("response from another slave");
  if (frame[1] == 0x83) {
    if (frame.size() != 5) return Error::malformed("exception response is 5 bytes");
    return Error::exception(frame[2]);
  }
  if (frame[1] != 0x03) return Error::malformed("response to another function");
  ByteCursor c(frame.subspan(2, frame.size() - 4), "read response");
  auto bytes = c.u8();
  if (!bytes) return bytes.error();
  if (*bytes != request.count * 2) {
    return Error::malformed("byte count " + std::to_string(*bytes) + " does not match " +
                            std::to_string(request.count) + " registers");
  }
  std::vector<std::uint16_t> words;
  for (int i = 0; i < request.count; ++i) {
    auto w = c.u16();
    if (!w) return w.error();
    words.push_back(*w);
  }
  if (!c.at_end()) return Error::malformed("response longer than its byte count");
  return words;
}

}  // namespace sb::protocol
