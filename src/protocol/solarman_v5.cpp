// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/protocol/solarman_v5.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "sunbridge/protocol/byte_cursor.hpp"
#include "sunbridge/protocol/rtu_frame.hpp"

namespace sb::protocol::v5 {

namespace {

constexpr std::uint8_t kFrameType = 0x02;  // "solar inverter"
constexpr std::size_t kHeaderBytes = 11;   // start, length, control, seq x2, serial
constexpr std::size_t kTimesBytes = 12;    // the request's sensor type + times, 14 with it
// Every V5 control code has 0x10 as its low byte (requests 0x41xx-0x48xx, replies 0x11xx-0x18xx):
// a start byte not followed by it is text, not a frame.
constexpr std::uint8_t kControlLow = 0x10;

void put_u16_le(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put_u32_le(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<std::uint8_t>((v >> (8 * i)) & 0xFF));
}

std::vector<std::uint8_t> frame(std::uint16_t control, std::uint8_t seq, std::uint8_t logger_seq,
                                std::uint32_t serial, std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> f;
  f.reserve(kOverheadBytes + payload.size());
  f.push_back(kStart);
  put_u16_le(f, static_cast<std::uint16_t>(payload.size()));
  put_u16_le(f, control);
  f.push_back(seq);
  f.push_back(logger_seq);
  put_u32_le(f, serial);
  f.insert(f.end(), payload.begin(), payload.end());
  f.push_back(0);  // checksum, below
  f.push_back(kEnd);
  f[f.size() - 2] = checksum(f);
  return f;
}

// The length an RTU reply's header implies, when its function code says.
std::optional<std::size_t> rtu_length(std::span<const std::uint8_t> rtu) {
  if (rtu.size() < 3) return std::nullopt;
  if ((rtu[1] & 0x80) != 0) return 5;
  if (rtu[1] == 0x03 || rtu[1] == 0x04) return 5 + static_cast<std::size_t>(rtu[2]);
  if (rtu[1] == 0x06 || rtu[1] == 0x10) return 8;
  return std::nullopt;
}

}  // namespace

std::uint8_t checksum(std::span<const std::uint8_t> frame) {
  std::uint8_t sum = 0;
  if (frame.size() < 3) return sum;
  for (std::size_t i = 1; i + 2 < frame.size(); ++i)
    sum = static_cast<std::uint8_t>(sum + frame[i]);
  return sum;
}

std::vector<std::uint8_t> encode_request(std::uint32_t serial, std::uint8_t seq,
                                         std::span<const std::uint8_t> rtu) {
  std::vector<std::uint8_t> payload(1 + 2 + kTimesBytes, 0);
  payload[0] = kFrameType;  // sensor type 0x0000 and zero times, as the loggers accept
  payload.insert(payload.end(), rtu.begin(), rtu.end());
  return frame(kRequest, seq, 0, serial, payload);
}

std::vector<std::uint8_t> encode_response(std::uint32_t serial, std::uint8_t seq,
                                          std::uint8_t logger_seq,
                                          std::span<const std::uint8_t> rtu, std::uint8_t status) {
  std::vector<std::uint8_t> payload(1 + 1 + kTimesBytes, 0);
  payload[0] = kFrameType;
  payload[1] = status;
  payload.insert(payload.end(), rtu.begin(), rtu.end());
  return frame(kResponse, seq, logger_seq, serial, payload);
}

std::vector<std::uint8_t> encode_heartbeat(std::uint32_t serial, std::uint8_t logger_seq) {
  const std::uint8_t payload[1] = {0x00};
  return frame(kHeartbeat, logger_seq, 0, serial, payload);
}

Result<Frame> decode_frame(std::span<const std::uint8_t> bytes) {
  ByteCursor c(bytes, "Solarman V5 frame");
  auto start = c.u8();
  if (!start) return start.error();
  if (*start != kStart) return Error::malformed("Solarman V5 frame does not start with 0xA5");
  auto length = c.u16_le();
  auto control = c.u16_le();
  auto seq = c.u8();
  auto logger_seq = c.u8();
  auto serial = c.u32_le();
  if (!serial) return serial.error();  // a short header fails here at the latest
  if (*length > kMaxPayloadBytes) {
    return Error::malformed("Solarman V5 payload length " + std::to_string(*length) +
                            " is more than " + std::to_string(kMaxPayloadBytes));
  }
  auto payload = c.take(*length);
  if (!payload) return payload.error();
  auto sum = c.u8();
  auto end = c.u8();
  if (!end) return end.error();
  if (!c.at_end()) return Error::malformed("bytes after the Solarman V5 end byte");
  if (*end != kEnd) return Error::malformed("Solarman V5 frame does not end with 0x15");
  if (*sum != checksum(bytes)) return Error::crc("Solarman V5 checksum");
  return Frame{*control, *seq, *logger_seq, *serial, {payload->begin(), payload->end()}};
}

Result<std::vector<std::uint8_t>> response_rtu(std::span<const std::uint8_t> payload) {
  ByteCursor c(payload, "Solarman V5 response");
  auto type = c.u8();
  auto status = c.u8();
  auto times = c.take(kTimesBytes);
  if (!times) return times.error();
  if (*type != kFrameType) return Error::malformed("Solarman V5 response of another frame type");
  (void)status;  // 0x01 from every logger seen; not a reason to refuse a valid RTU frame
  std::vector<std::uint8_t> rtu(payload.begin() + static_cast<std::ptrdiff_t>(c.position()),
                                payload.end());
  if (rtu.empty()) return Error::malformed("Solarman V5 response without a Modbus frame");
  if (rtu.size() < 5) {
    Error e =
        Error::exception(kNoResponseException, "the logger had no answer from the inverter (a " +
                                                   std::to_string(rtu.size()) + "-byte stub)");
    e.retry = Retry::kRetryable;  // the inverter was busy or the RS485 line noisy: ask again
    return e;
  }
  // The "double CRC" some loggers send: two zero bytes after a whole frame. The CRC cannot tell
  // (a frame followed by its CRC leaves a CRC register of zero, which zero bytes keep), so the
  // frame's own length decides.
  if (const auto expected = rtu_length(rtu); expected && rtu.size() == *expected + 2 &&
                                             rtu[rtu.size() - 1] == 0 && rtu[rtu.size() - 2] == 0) {
    rtu.resize(*expected);
  }
  return rtu;
}

Result<std::vector<std::uint8_t>> request_rtu(std::span<const std::uint8_t> payload) {
  ByteCursor c(payload, "Solarman V5 request");
  auto type = c.u8();
  auto sensor_and_times = c.take(2 + kTimesBytes);
  if (!sensor_and_times) return sensor_and_times.error();
  if (*type != kFrameType) return Error::malformed("Solarman V5 request of another frame type");
  if (c.remaining() < 4) return Error::malformed("Solarman V5 request without a Modbus frame");
  return std::vector<std::uint8_t>(payload.begin() + static_cast<std::ptrdiff_t>(c.position()),
                                   payload.end());
}

Result<DiscoveryReply> parse_discovery_reply(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.remove_suffix(1);
  const auto first = text.find(',');
  const auto second = first == std::string_view::npos ? first : text.find(',', first + 1);
  if (second == std::string_view::npos || text.find(',', second + 1) != std::string_view::npos) {
    return Error::malformed("a logger's discovery reply is ip,mac,serial");
  }
  DiscoveryReply r;
  const std::string_view ip = text.substr(0, first);
  const std::string_view mac = text.substr(first + 1, second - first - 1);
  const std::string_view serial = text.substr(second + 1);
  int dots = 0;
  int digits = 0;
  for (char c : ip) {
    if (c == '.') {
      if (digits == 0) return Error::malformed("not an IPv4 address in the discovery reply");
      ++dots;
      digits = 0;
    } else if (c >= '0' && c <= '9' && ++digits <= 3) {
    } else {
      return Error::malformed("not an IPv4 address in the discovery reply");
    }
  }
  if (dots != 3 || digits == 0)
    return Error::malformed("not an IPv4 address in the discovery reply");
  if (mac.size() != 12 || !std::all_of(mac.begin(), mac.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) != 0;
      })) {
    return Error::malformed("not a MAC address (12 hex digits) in the discovery reply");
  }
  std::uint64_t value = 0;
  if (serial.empty() || serial.size() > 10) {
    return Error::malformed("not a logger serial in the discovery reply");
  }
  for (char c : serial) {
    if (c < '0' || c > '9') return Error::malformed("not a logger serial in the discovery reply");
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > 0xFFFFFFFFu) return Error::malformed("not a logger serial in the discovery reply");
  r.ip = std::string(ip);
  r.mac = std::string(mac);
  r.serial = static_cast<std::uint32_t>(value);
  return r;
}

void StreamParser::feed(std::span<const std::uint8_t> bytes) {
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

void StreamParser::skip(std::size_t n) {
  n = std::min(n, buffer_.size());
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n));
  skipped_bytes_ += n;
}

std::optional<Frame> StreamParser::next() {
  for (;;) {
    const auto start = std::find(buffer_.begin(), buffer_.end(), kStart);
    skip(static_cast<std::size_t>(start - buffer_.begin()));
    if (buffer_.size() < 4) return std::nullopt;
    if (buffer_[3] != kControlLow) {  // not a frame: search on from the next byte
      skip(1);
      continue;
    }
    const std::size_t length = buffer_[1] | (buffer_[2] << 8);
    if (length > kMaxPayloadBytes) {
      ++bad_frames_;
      skip(1);
      continue;
    }
    const std::size_t total = kOverheadBytes + length;
    if (buffer_.size() < std::max(total, kHeaderBytes)) return std::nullopt;
    auto frame = decode_frame(std::span<const std::uint8_t>(buffer_).first(total));
    if (!frame) {
      ++bad_frames_;
      skip(1);
      continue;
    }
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(total));
    return std::move(*frame);
  }
}

}  // namespace sb::protocol::v5
