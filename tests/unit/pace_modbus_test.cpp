// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "sunbridge/protocol/pace_modbus.hpp"
#include "sunbridge/protocol/rtu_frame.hpp"

using namespace sb::protocol;

namespace {

// Registers 0-36 written out by hand from bms.md section 3 (no public capture exists).
std::vector<std::uint16_t> owner_pack_registers() {
  std::vector<std::uint16_t> r(37, 0);
  r[0] = 0xFF1F;   // -2.25 A (10 mA, + = charge): discharging
  r[1] = 5243;     // 52.43 V
  r[2] = 47;       // SOC %
  r[3] = 100;      // SOH %
  r[4] = 4819;     // 48.19 Ah
  r[5] = 10346;    // 103.46 Ah
  r[6] = 10000;    // 100.00 Ah
  r[7] = 140;      // cycles
  r[9] = 0x4001;   // warnings: cell over-voltage, MOSFET over-temperature
  r[10] = 0x0040;  // protection: short circuit
  r[11] = 0x0E24;  // faults: temperature sensor? no: b2 sensor, b5 AFE; states: b9 discharging,
                   // b10, b11
  r[12] = 0x8001;  // balancing cells 1 and 16
  for (int i = 0; i < 16; ++i)
    r[15 + i] = static_cast<std::uint16_t>(3269 + (i % 4));
  r[31] = 241;
  r[32] = 239;
  r[33] = 239;
  r[34] = static_cast<std::uint16_t>(-52 & 0xFFFF);  // -5.2 C
  r[35] = 265;
  r[36] = 0x8000;  // not fitted
  return r;
}

}  // namespace

TEST_CASE("PACE Modbus registers 0-36 decode per bms.md section 3", "[unit][bms][modbus]") {
  auto r = decode_pace_registers(3, owner_pack_registers());
  REQUIRE(r.ok());
  CHECK(r->pack == 3);
  CHECK(*r->current_a == Approx(-2.25));
  CHECK(*r->voltage_v == Approx(52.43));
  CHECK(*r->soc_pct == 47);
  CHECK(*r->soh_pct == 100);
  CHECK(*r->remaining_ah == Approx(48.19));
  CHECK(*r->full_ah == Approx(103.46));
  CHECK(*r->design_ah == Approx(100.0));
  CHECK(*r->cycles == 140);
  REQUIRE(r->cells_mv.size() == 16);
  CHECK(r->cells_mv[0] == 3269);
  CHECK(r->cells_mv[15] == 3272);
  CHECK(r->temps_c == std::vector<double>{24.1, 23.9, 23.9, -5.2});
  CHECK(*r->mos_temp_c == 26.5);
  CHECK_FALSE(r->ambient_temp_c.has_value());
  CHECK(r->warnings == std::vector<std::string>{"cell over-voltage", "MOSFET over-temperature"});
  CHECK(r->protections == std::vector<std::string>{"short circuit"});
  CHECK(r->faults == std::vector<std::string>{"temperature sensor", "AFE communication"});
  CHECK(r->states == std::vector<std::string>{"discharging", "CFET on", "DFET on"});
  CHECK(*r->balancing == 0x8001);
  CHECK(decode_pace_registers(1, std::vector<std::uint16_t>(36, 0)).error().kind ==
        sb::ErrorKind::kMalformed);
}

TEST_CASE("PACE Modbus info strings, two characters per register", "[unit][bms][modbus]") {
  PackRecord in;
  in.firmware = "PACE_V1.3_20210615";
  in.model = "P16S100A-1812";
  in.serial = "FLCD16100482401017";
  auto regs = encode_pace_info(in);
  REQUIRE(regs.size() == 30);
  CHECK(regs[0] == ('P' << 8 | 'A'));
  PackRecord out;
  REQUIRE(decode_pace_info(regs, out).ok());
  CHECK(out.firmware == in.firmware);
  CHECK(out.model == in.model);
  CHECK(out.serial == in.serial);
}

TEST_CASE("register encoding round-trips through decoding", "[unit][bms][modbus]") {
  auto r = decode_pace_registers(3, owner_pack_registers());
  PaceFlagWords flags{0x4001, 0x0040, 0x0E24, 0x8001};
  auto regs = encode_pace_registers(*r, flags);
  auto expected = owner_pack_registers();
  expected[36] = 0;  // an absent value is sent as zero
  CHECK(regs == expected);
}

TEST_CASE("RTU read frames: the spec's requests, responses and their checks",
          "[unit][bms][modbus]") {
  CHECK(encode_read_request({1, 0, 0x25}) ==
        std::vector<std::uint8_t>{0x01, 0x03, 0x00, 0x00, 0x00, 0x25, 0x84, 0x11});
  CHECK(encode_read_request({2, 0, 0x25}) ==
        std::vector<std::uint8_t>{0x02, 0x03, 0x00, 0x00, 0x00, 0x25, 0x84, 0x22});
  CHECK(encode_read_request({1, 0x96, 0x0A}) ==
        std::vector<std::uint8_t>{0x01, 0x03, 0x00, 0x96, 0x00, 0x0A, 0x25, 0xE1});
  auto req = decode_read_request(encode_read_request({4, 0, 37}));
  REQUIRE(req.ok());
  CHECK(req->slave == 4);
  CHECK(req->count == 37);
  std::vector<std::uint16_t> words = {1, 2, 0xFFFF};
  auto frame = encode_read_response(4, words);
  CHECK(decode_read_response(frame, {4, 0, 3}).value() == words);
  CHECK(decode_read_response(frame, {4, 0, 4}).error().kind == sb::ErrorKind::kMalformed);
  CHECK(decode_read_response(frame, {3, 0, 3}).error().kind == sb::ErrorKind::kMalformed);
  frame[4] ^= 1;
  CHECK(decode_read_response(frame, {4, 0, 3}).error().kind == sb::ErrorKind::kCrc);
  auto ex = encode_exception_response(4, 0x03, 0x02);
  CHECK(decode_read_response(ex, {4, 0, 3}).error().code == 2);
  // A CRC that matches does not make a length true: byte count says 2 registers, frame has 3.
  std::vector<std::uint8_t> lying = {4, 0x03, 4, 0, 1, 0, 2, 0, 3};
  append_crc(lying);
  CHECK(decode_read_response(lying, {4, 0, 2}).error().kind == sb::ErrorKind::kMalformed);
}
