// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/protocol/rtu_wire.hpp"

namespace sb::protocol {

std::uint16_t crc16_modbus(std::span<const std::uint8_t> bytes) {
  std::uint16_t crc = 0xFFFF;
  for (std::uint8_t b : bytes) {
    crc ^= b;
    for (int i = 0; i < 8; ++i) {
      crc = (crc & 1U) != 0 ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001U)
                            : static_cast<std::uint16_t>(crc >> 1);
    }
  }
  return crc;
}

std::chrono::nanoseconds frame_wire_time(std::size_t bytes, int baud, int bits_per_char) {
  // (bytes + 3.5) characters, computed in tenths of a character to stay in integers.
  const long long tenths = static_cast<long long>(bytes) * 10 + 35;
  const long long ns = tenths * bits_per_char * 1'000'000'000LL / (10LL * baud);
  return std::chrono::nanoseconds(ns);
}

}  // namespace sb::protocol
