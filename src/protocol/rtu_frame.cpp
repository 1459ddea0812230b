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

namespace {
void put_u16(std::vector<std::uint8_t>& f, std::uint16_t v) {
  f.push_back(static_cast<std::uint8_t>(v >> 8));
  f.push_back(static_cast<std::uint8_t>(v & 0xFF));
}
}  // namespace

std::vector<std::uint8_t> encode_write_request(const WriteRequest& r) {
  std::vector<std::uint8_t> f = {r.slave, r.function};
  put_u16(f, r.start);
  if (r.function == 0x06) {
    put_u16(f, r.values.empty() ? 0 : r.values.front());
  } else {
    put_u16(f, static_cast<std::uint16_t>(r.values.size()));
    f.push_back(static_cast<std::uint8_t>(r.values.size() * 2));
    for (auto v : r.values)
      put_u16(f, v);
  }
  append_crc(f);
  return f;
}

Result<WriteRequest> decode_write_request(std::span<const std::uint8_t> frame) {
  if (frame.size() < 8) return Error::malformed("a write request is at least 8 bytes");
  if (!rtu_crc_ok(frame)) return Error::crc("write request CRC");
  ByteCursor c(frame.first(frame.size() - 2), "write request");
  WriteRequest r;
  r.slave = *c.u8();
  r.function = *c.u8();
  auto start = c.u16();
  if (!start) return start.error();
  r.start = *start;
  if (r.function == 0x06) {
    auto v = c.u16();
    if (!v) return v.error();
    r.values = {*v};
  } else if (r.function == 0x10) {
    auto count = c.u16();
    auto bytes = c.u8();
    if (!bytes) return bytes.error();
    if (*count == 0 || *count > 123 || *bytes != *count * 2) {
      return Error::malformed("write of " + std::to_string(*count) + " registers in " +
                              std::to_string(*bytes) + " bytes");
    }
    for (int i = 0; i < *count; ++i) {
      auto v = c.u16();
      if (!v) return v.error();
      r.values.push_back(*v);
    }
  } else {
    return Error::malformed("not a write (FC 0x06 or 0x10) request");
  }
  if (!c.at_end()) return Error::malformed("write request longer than its count");
  return r;
}

std::vector<std::uint8_t> encode_write_response(const WriteRequest& r) {
  std::vector<std::uint8_t> f = {r.slave, r.function};
  put_u16(f, r.start);
  put_u16(f, r.function == 0x06 ? (r.values.empty() ? 0 : r.values.front())
                                : static_cast<std::uint16_t>(r.values.size()));
  append_crc(f);
  return f;
}

Status decode_write_response(std::span<const std::uint8_t> frame, const WriteRequest& request) {
  if (frame.size() < 5) return Error::malformed("response shorter than 5 bytes");
  if (!rtu_crc_ok(frame)) return Error::crc("response CRC");
  if (frame[0] != request.slave) return Error::malformed("response from another slave");
  if (frame[1] == (request.function | 0x80)) {
    if (frame.size() != 5) return Error::malformed("exception response is 5 bytes");
    return Error::exception(frame[2]);
  }
  if (frame[1] != request.function) return Error::malformed("response to another function");
  if (frame.size() != 8) return Error::malformed("a write acknowledgement is 8 bytes");
  if (std::vector<std::uint8_t>(frame.begin(), frame.end()) != encode_write_response(request)) {
    return Error::malformed("the write acknowledgement does not echo the request");
  }
  return {};
}

}  // namespace sb::protocol
