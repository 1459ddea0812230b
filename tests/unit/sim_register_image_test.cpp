// SPDX-License-Identifier: Apache-2.0
// The simulator must be as strict as the device (docs/inverter-registers.md): a kinder simulator
// proves nothing. These pin its behaviour to the spec independently of the daemon.
#include <catch2/catch.hpp>

#include "sim/household_model.hpp"
#include "sim/register_image.hpp"

using namespace sb::sim;

namespace {

struct Sim {
  HouseholdModel model{1};
  RegisterImage image;
  explicit Sim(Firmware fw = {}) : image(model, fw) { model.set_frozen(true); }
  std::vector<std::uint16_t> read(std::uint16_t a, std::uint16_t n, int expect = 0) {
    std::vector<std::uint16_t> out;
    CHECK(image.read(a, n, out) == expect);
    return out;
  }
};

}  // namespace

TEST_CASE("sim: SRNE signs, scales and u32 word order on the wire", "[unit][sim]") {
  Sim s;
  s.model.set("battery.current", 12.5);  // charging
  CHECK(s.read(0x0102, 1)[0] == static_cast<std::uint16_t>(-125 & 0xFFFF));
  s.model.set("battery.current", -10.9);  // discharging
  CHECK(s.read(0x0102, 1)[0] == 109);
  s.model.set("grid.l1.power", 1200);  // importing
  CHECK(s.read(0x023A, 1)[0] == static_cast<std::uint16_t>(-1200 & 0xFFFF));
  s.model.set("inverter.temp.ambient", -5.2);
  CHECK(s.read(0x0223, 1)[0] == static_cast<std::uint16_t>(-52 & 0xFFFF));
  s.model.set("energy.pv.total", 7000.5);
  CHECK(s.read(0xF038, 2) == std::vector<std::uint16_t>{0x1175, 0x0001});
  CHECK(s.read(0xE008, 1)[0] == 144);  // 57.6 V stored 12 V-normalised
  CHECK(s.read(0xE027, 1)[0] == 0x0300);
}

TEST_CASE("sim: exceptions 02, 0A, 03, 07, 08 and 04 where the spec says", "[unit][sim]") {
  Sim s;
  s.read(0x0118, 1, 0x02);   // hole
  s.read(0x0110, 16, 0x02);  // a block crossing into the hole fails whole
  s.read(0x0200, 33, 0x0A);  // more than 32 registers
  std::vector<std::uint16_t> v = {5000};
  CHECK(s.image.write(0xE020, v, false) == 0x03);  // 5000 % is out of range
  v = {45};
  CHECK(s.image.write(0x0100, v, false) == 0x07);  // live value: read-only
  v = {6};
  CHECK(s.image.write(0xE004, v, false) == 0x08);  // battery type while running
  s.model.machine_state = 1;                       // standby
  CHECK(s.image.write(0xE004, v, false) == 0);
  v = {0x1900};
  CHECK(s.image.write(0xE027, v, false) == 0x03);  // 25:00 is no slot time
  std::vector<std::uint16_t> two = {50, 0x1900};
  CHECK(s.image.write(0xE01F, two, true) == 0x03);  // the second value is out of range...
  CHECK(s.read(0xE01F, 1)[0] == 19);                // ...so nothing is applied
  v = {0};
  CHECK(s.image.write(0x020C, v, false) == 0x04);  // the clock only as one FC 0x10 of 3
}

TEST_CASE("sim: writes persist and drive the model", "[unit][sim]") {
  Sim s;
  std::vector<std::uint16_t> v = {550};
  CHECK(s.image.write(0xE20A, v, false) == 0);
  CHECK(s.read(0xE20A, 1)[0] == 550);
  CHECK(s.model.max_charge_a == 55.0);
  std::vector<std::uint16_t> clock = {(26 << 8) | 7, (1 << 8) | 0, 0};
  CHECK(s.image.write(0x020C, clock, true) == 0);
  CHECK(s.read(0x020C, 1)[0] == ((26 << 8) | 7));
}

TEST_CASE("sim: firmware variants", "[unit][sim]") {
  Firmware single;
  single.single_mppt = true;
  Sim a(single);
  a.read(0x0100, 15);
  a.read(0x010F, 1, 0x02);
  a.read(0x0204, 4, 0x02);
  Firmware real;
  real.real_volts = true;
  Sim b(real);
  CHECK(b.read(0xE008, 1)[0] == 576);
  Firmware holed;
  holed.extra_holes.push_back({0x0208, 0x020B});
  Sim c(holed);
  c.read(0x0204, 32, 0x02);
  c.read(0x0204, 4);
}
