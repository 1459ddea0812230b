// SPDX-License-Identifier: Apache-2.0
// Modbus RTU frame sizes, CRC and the time frames take on a serial line. Used by the simulator's
// line pacing and by the benchmark's physical-limit figure, so both count the same way.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

namespace sb::protocol {

// CRC-16/MODBUS: polynomial 0xA001 (reflected), init 0xFFFF; sent low byte first.
std::uint16_t crc16_modbus(std::span<const std::uint8_t> bytes);

// Frame sizes in bytes, address and CRC included.
inline constexpr std::size_t kReadRequestBytes = 8;
constexpr std::size_t read_response_bytes(std::size_t registers) {
  return 5 + 2 * registers;
}
inline constexpr std::size_t kWriteSingleBytes = 8;  // request and echo are the same size
constexpr std::size_t write_multiple_request_bytes(std::size_t registers) {
  return 9 + 2 * registers;
}
inline constexpr std::size_t kWriteMultipleResponseBytes = 8;
inline constexpr std::size_t kExceptionResponseBytes = 5;

// Time a frame of `bytes` occupies the line: bytes x bits-per-character / baud, plus the 3.5
// character silence that ends an RTU frame. 8N1 is 10 bits per character.
std::chrono::nanoseconds frame_wire_time(std::size_t bytes, int baud, int bits_per_char = 10);

// Request plus response of one transaction on the wire.
inline std::chrono::nanoseconds transaction_wire_time(std::size_t request_bytes,
                                                      std::size_t response_bytes, int baud,
                                                      int bits_per_char = 10) {
  return frame_wire_time(request_bytes, baud, bits_per_char) +
         frame_wire_time(response_bytes, baud, bits_per_char);
}

}  // namespace sb::protocol
