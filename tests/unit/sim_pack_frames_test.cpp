// SPDX-License-Identifier: Apache-2.0
// The simulator's own pack answers against frames from the BMS documentation and frames written
// by hand: the integration tests read the simulator with the daemon's decoders, so the simulator
// must be right on its own.
#include <catch2/catch.hpp>

#include <string>

#include "sim/pack_frames.hpp"
#include "sunbridge/protocol/pace_ascii.hpp"

using namespace sb;

namespace {

std::vector<std::uint8_t> from_hex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// The owner-like pack 1 of docs/bms.md, in engineering units.
protocol::PackRecord pack1() {
  protocol::PackRecord r;
  r.pack = 1;
  r.cells_mv = {3271, 3272, 3271, 3271, 3271, 3269, 3270, 3271,
                3271, 3270, 3271, 3270, 3270, 3271, 3270, 3271};
  r.temps_c = {24.1, 23.9, 23.9, 23.9};
  r.mos_temp_c = 26.5;
  r.ambient_temp_c = 27.4;
  r.current_a = -2.25;
  r.voltage_v = 52.429;
  r.remaining_ah = 48.19;
  r.full_ah = 103.46;
  r.cycles = 140;
  r.design_ah = 100.0;
  return r;
}

}  // namespace

TEST_CASE("simulator 0x42 answer: the documented pack 1 frame byte for byte", "[unit][sim][bms]") {
  // INFO of the documented response ~25014600F07A...E1E4.
  const auto expected = from_hex(
      "0001100CC70CC80CC70CC70CC70CC50CC60CC70CC70CC60CC70CC60CC60CC70CC60CC7060B9B0B990B990B99"
      "0BB30BBCFF1FCCCD12D303286A008C2710");
  CHECK(sim::pace_ascii_analog(pack1()) == expected);
}

TEST_CASE("simulator 0x44 answers: the documented frame and one written by hand",
          "[unit][sim][bms]") {
  protocol::AlarmBytes normal;
  normal.cell_warn.assign(16, 0);
  normal.temp_warn.assign(6, 0);
  normal.system_state = 0x0E;
  CHECK(sim::pace_ascii_alarm(1, normal) ==
        from_hex("000110000000000000000000000000000000000600000000000000000000000E00000000"
                 "0000"));
  protocol::AlarmBytes a = normal;
  a.cell_warn[6] = 0x02;
  a.cell_warn[15] = 0xF0;
  a.temp_warn[4] = 0x02;
  a.temp_warn[5] = 0x01;
  a.charge_current_warn = 0x02;
  a.pack_voltage_warn = 0x01;
  a.protect1 = 0x41;
  a.protect2 = 0x91;
  a.system_state = 0x07;
  a.fault = 0x24;
  a.balance1 = 0x40;
  a.balance2 = 0x81;
  CHECK(sim::pace_ascii_alarm(2, a) ==
        from_hex("000210000000000000020000000000000000F00600000000020102010041910700244081"
                 "0000"));
}

TEST_CASE("simulator PACE Modbus registers follow the documented table", "[unit][sim][bms]") {
  protocol::PackRecord r = pack1();
  r.voltage_v = 52.43;
  r.soc_pct = 47;
  r.soh_pct = 100;
  r.firmware = "PACE_BMS_V1.3";
  r.model = "P16S100A-1812-1.00";
  r.serial = "SN1";
  protocol::PaceFlagWords flags;
  flags.warning = 0x0100;
  flags.protection = 0x0040;
  flags.status = 0x0E00;
  flags.balancing = 0x8001;
  const auto regs = sim::pace_modbus_registers(r, flags);
  REQUIRE(regs.size() == 37);
  CHECK(regs[0] == 0xFF1F);  // -2.25 A in 10 mA, two's complement
  CHECK(regs[1] == 5243);    // 52.43 V in 10 mV
  CHECK(regs[2] == 47);
  CHECK(regs[3] == 100);
  CHECK(regs[4] == 4819);  // 48.19 Ah in 10 mAh
  CHECK(regs[5] == 10346);
  CHECK(regs[6] == 10000);
  CHECK(regs[7] == 140);
  CHECK(regs[8] == 0);
  CHECK(regs[9] == 0x0100);
  CHECK(regs[10] == 0x0040);
  CHECK(regs[11] == 0x0E00);
  CHECK(regs[12] == 0x8001);
  CHECK(regs[15] == 3271);  // cell 1
  CHECK(regs[30] == 3271);  // cell 16
  CHECK(regs[31] == 241);   // 24.1 C in 0.1 C
  CHECK(regs[35] == 265);
  CHECK(regs[36] == 274);
  const auto text = sim::pace_modbus_strings(r);
  REQUIRE(text.size() == 30);
  CHECK(text[0] == (('P' << 8) | 'A'));   // register 150
  CHECK(text[10] == (('P' << 8) | '1'));  // register 160: the model
  CHECK(text[20] == (('S' << 8) | 'N'));  // register 170: the serial
  CHECK(text[21] == ('1' << 8));          // NUL padded
  CHECK(text[29] == 0);
}
