// SPDX-License-Identifier: Apache-2.0
// Solarman V5: the framing a Solarman Wi-Fi stick logger (e.g. LSW-5A8153) wraps around Modbus
// RTU on its TCP port 8899 (docs/solarman.md). Pure functions on bytes and an incremental stream
// parser; nothing here touches a socket.
//
// A frame: 0xA5, payload length (u16 LE), control code (u16 LE), our sequence byte (echoed in the
// reply), the logger's own counter, the logger's serial (u32 LE), the payload, a checksum (the
// sum of every byte after 0xA5 before it, mod 256) and 0x15. 13 bytes plus the payload.
// A request's payload: frame type 0x02, sensor type (2 bytes), 12 bytes of times, the RTU frame.
// A response's payload: frame type 0x02, a status byte, 12 bytes of times, the RTU frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sunbridge/core/result.hpp"

namespace sb::protocol::v5 {

inline constexpr std::uint8_t kStart = 0xA5;
inline constexpr std::uint8_t kEnd = 0x15;
inline constexpr std::uint16_t kRequest = 0x4510;
inline constexpr std::uint16_t kResponse = 0x1510;
inline constexpr std::uint16_t kHeartbeat = 0x4710;       // unsolicited, from the logger
inline constexpr std::uint16_t kHeartbeatReply = 0x1710;  // what a cloud server answers
inline constexpr std::size_t kOverheadBytes = 13;
// An RTU frame is at most 256 bytes; with the 15 bytes before it a payload never needs more.
inline constexpr std::size_t kMaxPayloadBytes = 271;
// The Modbus exception a gateway answers when its target did not respond: what a logger means
// by a reply whose RTU part is a 1-4 byte stub.
inline constexpr int kNoResponseException = 0x0B;

// What the checksum byte must be for `frame` (start byte to end byte inclusive).
std::uint8_t checksum(std::span<const std::uint8_t> frame);

std::vector<std::uint8_t> encode_request(std::uint32_t serial, std::uint8_t seq,
                                         std::span<const std::uint8_t> rtu);
// The logger's side (the simulator and tests).
std::vector<std::uint8_t> encode_response(std::uint32_t serial, std::uint8_t seq,
                                          std::uint8_t logger_seq,
                                          std::span<const std::uint8_t> rtu,
                                          std::uint8_t status = 0x01);
std::vector<std::uint8_t> encode_heartbeat(std::uint32_t serial, std::uint8_t logger_seq);

// Discovery without root: a UDP datagram kDiscoveryRequest to port 48899 (broadcast); each logger
// answers "ip,mac,serial", e.g. "192.168.1.20,ACCF23AABBCC,3528830226".
inline constexpr const char* kDiscoveryRequest = "WIFIKIT-214028-READ";
inline constexpr int kDiscoveryPort = 48899;
struct DiscoveryReply {
  std::string ip;
  std::string mac;
  std::uint32_t serial = 0;
};
// Malformed unless it is three comma-separated fields: an IPv4 address, 12 hex digits, a serial
// that fits 32 bits (a trailing line break is allowed).
Result<DiscoveryReply> parse_discovery_reply(std::string_view text);

// One checksummed frame off the stream.
struct Frame {
  std::uint16_t control = 0;
  std::uint8_t seq = 0;         // ours, echoed
  std::uint8_t logger_seq = 0;  // the logger's own counter
  std::uint32_t serial = 0;
  std::vector<std::uint8_t> payload;
};

// A whole frame (start to end byte): the fields, or Malformed / Crc saying what is wrong.
Result<Frame> decode_frame(std::span<const std::uint8_t> bytes);

// The RTU frame inside a response payload. Some loggers append two 0x00 after a valid CRC: they
// are stripped. A 1-4 byte RTU part (the logger had no answer from the inverter) is
// Error::exception(kNoResponseException); an empty one or a payload that is not a response is
// Malformed.
Result<std::vector<std::uint8_t>> response_rtu(std::span<const std::uint8_t> payload);
// The RTU frame inside a request payload (the simulator's side).
Result<std::vector<std::uint8_t>> request_rtu(std::span<const std::uint8_t> payload);

// Bytes from a TCP stream in, whole frames out: a stream has no message boundaries, loggers
// print AT-command text between frames, and a frame can arrive in pieces or several in one read.
// Junk before a start byte is skipped; a start byte whose frame does not check out (length out
// of range, wrong end byte or checksum) is skipped and the search goes on from the next byte.
class StreamParser {
 public:
  void feed(std::span<const std::uint8_t> bytes);
  // The next whole frame, or nullopt until more bytes arrive.
  std::optional<Frame> next();
  void reset() { buffer_.clear(); }

  [[nodiscard]] std::size_t skipped_bytes() const { return skipped_bytes_; }
  [[nodiscard]] std::size_t bad_frames() const { return bad_frames_; }
  [[nodiscard]] std::size_t buffered() const { return buffer_.size(); }

 private:
  void skip(std::size_t n);

  std::vector<std::uint8_t> buffer_;
  std::size_t skipped_bytes_ = 0;
  std::size_t bad_frames_ = 0;
};

}  // namespace sb::protocol::v5
