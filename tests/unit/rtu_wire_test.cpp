// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <vector>

#include "sunbridge/protocol/rtu_wire.hpp"

using namespace sb::protocol;

TEST_CASE("CRC-16/MODBUS matches the spec's verified request vectors", "[unit][wire]") {
  // PACE Modbus read requests from the protocol document (docs/bms.md), CRC low byte first.
  struct Vector {
    std::vector<std::uint8_t> frame;
    std::uint8_t lo, hi;
  };
  const Vector vectors[] = {
      {{0x01, 0x03, 0x00, 0x00, 0x00, 0x25}, 0x84, 0x11},
      {{0x02, 0x03, 0x00, 0x00, 0x00, 0x25}, 0x84, 0x22},
      {{0x03, 0x03, 0x00, 0x00, 0x00, 0x25}, 0x85, 0xF3},
      {{0x04, 0x03, 0x00, 0x00, 0x00, 0x25}, 0x84, 0x44},
      {{0x01, 0x03, 0x00, 0x96, 0x00, 0x0A}, 0x25, 0xE1},
  };
  for (const auto& v : vectors) {
    std::uint16_t crc = crc16_modbus(v.frame);
    CHECK((crc & 0xFF) == v.lo);
    CHECK((crc >> 8) == v.hi);
  }
}

TEST_CASE("frame sizes and wire time at 9600 baud", "[unit][wire]") {
  CHECK(read_response_bytes(32) == 69);
  CHECK(write_multiple_request_bytes(3) == 15);
  // 8 bytes + 3.5 characters = 11.5 characters x 10 bits / 9600 baud = 11.979 ms
  CHECK(frame_wire_time(8, 9600).count() == 11979166);
  // A 32-register read: 8 + 69 bytes + 7 characters of silence = 84 characters = 87.5 ms
  auto t = transaction_wire_time(8, 69, 9600);
  CHECK(std::chrono::abs(t - std::chrono::microseconds(87500)) < std::chrono::nanoseconds(3));
  // 8E1 is 11 bits per character.
  CHECK(frame_wire_time(8, 9600, 11) > frame_wire_time(8, 9600, 10));
}
