// SPDX-License-Identifier: Apache-2.0
// Codec tests on register words, one section per row type (docs/inverter-registers.md).
#include <catch2/catch.hpp>

#include "sunbridge/core/local_time.hpp"
#include "sunbridge/protocol/register_codec.hpp"
#include "sunbridge/protocol/register_map.hpp"

using namespace sb;
using namespace sb::protocol;

namespace {

const RegisterMap& map() {
  static const RegisterMap m = RegisterMap::embedded();
  return m;
}

const FaultTable& faults() {
  static const FaultTable t = FaultTable::embedded();
  return t;
}

DecodeContext ctx48() {
  DecodeContext c;
  c.battery_voltage_factor = 4.0;  // E003 = 48
  c.faults = &faults();
  return c;
}

double number(const RegisterRow& row, std::vector<std::uint16_t> words, DecodeContext c = ctx48()) {
  auto v = decode(row, words, c);
  REQUIRE(v.ok());
  REQUIRE(std::holds_alternative<double>(*v));
  return std::get<double>(*v);
}

std::string text(const RegisterRow& row, std::vector<std::uint16_t> words,
                 DecodeContext c = ctx48()) {
  auto v = decode(row, words, c);
  REQUIRE(v.ok());
  REQUIRE(std::holds_alternative<std::string>(*v));
  return std::get<std::string>(*v);
}

const RegisterRow& row(const char* name) {
  const RegisterRow* r = map().find(name);
  REQUIRE(r != nullptr);
  return *r;
}

}  // namespace

TEST_CASE("u16 with scale decodes to engineering units", "[unit][codec]") {
  CHECK(number(row("battery.soc"), {56}) == 56.0);
  CHECK(number(row("battery.voltage"), {524}) == Approx(52.4).margin(1e-9));
  CHECK(number(row("grid.frequency"), {6001}) == Approx(60.01).margin(1e-9));
  CHECK(number(row("grid.l2.voltage"), {1007}) == Approx(100.7).margin(1e-9));
}

TEST_CASE("battery current: SRNE wire sign is > 0 discharging, published + = charging",
          "[unit][codec]") {
  // Real polls of the owner's unit (tests/fixtures/field/spi10k_battery_2025-05.csv):
  // 2025-05-18 20:02:54 raw 109 = discharging 10.9 A; night AC charging capped at raw 65037
  // (= -499 on the wire = charging 49.9 A, LCD 28 = 50 A).
  CHECK(number(row("battery.current"), {109}) == Approx(-10.9).margin(1e-9));
  CHECK(number(row("battery.current"), {65037}) == Approx(49.9).margin(1e-9));
  CHECK(number(row("battery.current"), {65470}) == Approx(6.6).margin(1e-9));
  CHECK(number(row("battery.current"), {0}) == 0.0);
  CHECK_FALSE(std::signbit(number(row("battery.current"), {0})));  // never "-0"
}

TEST_CASE("grid power is published + = import although the wire says > 0 export", "[unit][codec]") {
  CHECK(number(row("grid.l1.power"), {static_cast<std::uint16_t>(-1200 & 0xFFFF)}) == 1200.0);
  CHECK(number(row("grid.l2.power"), {350}) == -350.0);
}

TEST_CASE("s16 temperatures go below zero", "[unit][codec]") {
  CHECK(number(row("inverter.temp.ambient"), {static_cast<std::uint16_t>(-52 & 0xFFFF)}) ==
        Approx(-5.2).margin(1e-9));
  CHECK(number(row("battery.temperature"), {0xFFFF}) == Approx(-0.1).margin(1e-9));
}

TEST_CASE("u32 counters are two registers, low word at the lower address", "[unit][codec]") {
  // 70005 = 0x0001_1175 -> 7000.5 kWh
  CHECK(number(row("energy.pv.total"), {0x1175, 0x0001}) == Approx(7000.5).margin(1e-9));
  CHECK(number(row("energy.grid.total"), {0xFFFF, 0xFFFF}) == Approx(429496729.5).margin(1e-3));
  auto wrong = decode(row("energy.pv.total"), std::vector<std::uint16_t>{0x1175}, ctx48());
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().kind == ErrorKind::kMalformed);
}

TEST_CASE("12 V-normalised set-point voltages use the factor from E003", "[unit][codec]") {
  const auto& boost = row("setting.p09");
  CHECK(number(boost, {144}) == Approx(57.6).margin(1e-9));  // 48 V bank: raw = volts * 2.5
  CHECK(number(row("setting.p04"), {113}) == Approx(45.2).margin(1e-9));
  DecodeContext c24 = ctx48();
  c24.battery_voltage_factor = battery_voltage_factor(VoltageScale::kAuto, 24);
  CHECK(number(boost, {144}, c24) == Approx(28.8).margin(1e-9));
  DecodeContext real = ctx48();
  real.battery_voltage_factor = battery_voltage_factor(VoltageScale::kReal, 48);
  CHECK(number(boost, {576}, real) == Approx(57.6).margin(1e-9));
  // Unknown E003: no guess.
  DecodeContext unknown = ctx48();
  unknown.battery_voltage_factor = battery_voltage_factor(VoltageScale::kAuto, std::nullopt);
  CHECK_FALSE(decode(boost, std::vector<std::uint16_t>{144}, unknown).ok());
  CHECK_FALSE(battery_voltage_factor(VoltageScale::kAuto, 50).has_value());
  // Live battery voltage is real volts whatever the factor.
  CHECK(number(row("battery.voltage"), {524}, c24) == Approx(52.4).margin(1e-9));
}

TEST_CASE("slot times are hour * 256 + minute", "[unit][codec]") {
  CHECK(text(row("setting.p40"), {0x1737}) == "23:55");
  CHECK(text(row("setting.p41"), {0x021E}) == "02:30");
  CHECK(text(row("setting.p41"), {0x0300}) == "03:00");
  CHECK(text(row("setting.p41"), {0x031E}) == "03:30");
  auto bad = decode(row("setting.p41"), std::vector<std::uint16_t>{0x1900}, ctx48());  // 25:00
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind == ErrorKind::kMalformed);
  CHECK(encode_hhmm("03:30").value() == 0x031E);
  CHECK_FALSE(encode_hhmm("24:00").ok());
  CHECK(encode_hhmm("3:30").value() == 0x031E);  // the hour without its leading zero
  CHECK(encode_hhmm("0:05").value() == 0x0005);
  for (const char* wrong : {"3:3", "03:3", "033:30", ":30", "03:300", "-3:30", "3h30", "03-30", ""})
    CHECK_FALSE(encode_hhmm(wrong).ok());
}

TEST_CASE("enums decode to text, unknown codes say so, variants follow configuration",
          "[unit][codec]") {
  CHECK(text(row("setting.p01"), {2}) == "SBU");
  CHECK(text(row("setting.p33"), {7}) == "WOW");
  CHECK(text(row("inverter.charge_state"), {4}) == "float");
  CHECK(text(row("inverter.charge_state"), {3}) == "unknown (3)");
  DecodeContext split = ctx48();
  split.enum_variant = "split-phase";
  CHECK(text(row("inverter.state"), {2}, split) == "line");
  CHECK(text(row("inverter.state"), {3}, split) == "battery");
  DecodeContext srne = ctx48();
  srne.enum_variant = "srne";
  CHECK(text(row("inverter.state"), {4}, srne) == "line");
  CHECK(text(row("inverter.state"), {10}, srne) == "fault");
  DecodeContext missing = ctx48();
  missing.enum_variant = "nonexistent";
  CHECK_FALSE(decode(row("inverter.state"), std::vector<std::uint16_t>{2}, missing).ok());
}

TEST_CASE("strings are one character per register in the low byte", "[unit][codec]") {
  std::vector<std::uint16_t> words(20, 0);
  const std::string serial = "LVY10KU2408250123";
  for (std::size_t i = 0; i < serial.size(); ++i)
    words[i] = static_cast<unsigned char>(serial[i]);
  CHECK(text(row("inverter.serial"), words) == serial);
  words[3] = 0x07;  // a control character never reaches a log or a terminal
  CHECK(text(row("inverter.serial"), words) == "LVY?0KU2408250123");
}

TEST_CASE("clock registers: [yy-2000|month] [day|hour] [minute|second]", "[unit][codec]") {
  auto t = decode_clock(std::vector<std::uint16_t>{(26 << 8) | 11, (22 << 8) | 14, (5 << 8) | 9});
  REQUIRE(t.ok());
  CHECK(*t == CivilTime{2026, 11, 22, 14, 5, 9});
  CHECK(text(row("inverter.clock"), {(26 << 8) | 11, (22 << 8) | 14, (5 << 8) | 9}) ==
        "2026-11-22 14:05:09");
  CHECK_FALSE(
      decode_clock(std::vector<std::uint16_t>{(26 << 8) | 13, 0x0101, 0}).ok());  // month 13
  auto words = encode_clock({2026, 7, 1, 0, 0, 0});
  REQUIRE(words.ok());
  CHECK(*words == std::vector<std::uint16_t>{(26 << 8) | 7, (1 << 8) | 0, 0});
}

TEST_CASE("fault codes decode with names and text, zeros are no fault", "[unit][codec]") {
  auto v = decode(row("inverter.faults"), std::vector<std::uint16_t>{0, 12, 58, 999}, ctx48());
  REQUIRE(v.ok());
  const auto& list = std::get<std::vector<FaultCode>>(*v);
  REQUIRE(list.size() == 3);
  CHECK(list[0].code == 12);
  CHECK(list[0].name == "bLineLoss");
  CHECK(list[1].name == "BMSComErr");
  CHECK(list[2].text == "unknown fault 999");
  auto none = decode(row("inverter.faults"), std::vector<std::uint16_t>{0, 0, 0, 0}, ctx48());
  CHECK(std::get<std::vector<FaultCode>>(*none).empty());
}

TEST_CASE("encode checks range and exact representability", "[unit][codec]") {
  DecodeContext c = ctx48();
  CHECK(encode(row("setting.p07"), 60.0, c).value() == std::vector<std::uint16_t>{600});
  CHECK(encode(row("setting.p09"), 57.6, c).value() == std::vector<std::uint16_t>{144});
  auto not_on_step = encode(row("setting.p09"), 57.5, c);  // step is 0.4 V on a 48 V bank
  REQUIRE_FALSE(not_on_step.ok());
  CHECK(not_on_step.error().detail.find("step") != std::string::npos);
  auto too_high = encode(row("setting.p62"), 101.0, c);
  REQUIRE_FALSE(too_high.ok());
  CHECK(too_high.error().kind == ErrorKind::kInvalid);
  CHECK(encode(row("setting.p41"), std::string("03:30"), c).value() ==
        std::vector<std::uint16_t>{0x031E});
  CHECK(encode(row("setting.p01"), std::string("sbu"), c).value() == std::vector<std::uint16_t>{2});
  CHECK_FALSE(encode(row("setting.p01"), std::string("XYZ"), c).ok());
  CHECK(encode(row("energy.pv.total"), 7000.5, c).value() ==
        std::vector<std::uint16_t>{0x1175, 0x0001});
  CHECK_FALSE(encode(row("inverter.faults"), std::string("x"), c).ok());
}

TEST_CASE("every row round-trips through encode and decode", "[unit][codec]") {
  DecodeContext c = ctx48();
  int checked = 0;
  for (const auto& r : map().rows()) {
    if (r.type == RegType::kFaults) continue;
    std::vector<std::uint16_t> words(r.length, 0);
    if (r.type == RegType::kClock) words = {(26 << 8) | 3, (15 << 8) | 8, (30 << 8) | 59};
    if (r.type == RegType::kHhmm) words = {0x0637};
    if (r.type == RegType::kEnum) {
      const auto& table = r.enum_values.empty() ? r.enum_variants.at("split-phase") : r.enum_values;
      words = {static_cast<std::uint16_t>(table.rbegin()->first)};
    }
    if (r.type == RegType::kU16 && r.max) {
      const double factor = r.scaling == Scaling::kBattery12V ? 4.0 : 1.0;
      words = {static_cast<std::uint16_t>(std::lround(*r.max * factor / (r.scale * factor)))};
    }
    auto v = decode(r, words, c);
    REQUIRE(v.ok());
    auto back = encode(r, *v, c);
    INFO(r.name);
    REQUIRE(back.ok());
    CHECK(*back == words);
    ++checked;
  }
  CHECK(checked > 90);
}

TEST_CASE("user values parse with or without their unit", "[unit][codec]") {
  CHECK(std::get<double>(parse_user_value(row("setting.p07"), "60").value()) == 60.0);
  CHECK(std::get<double>(parse_user_value(row("setting.p07"), "60A").value()) == 60.0);
  CHECK(std::get<double>(parse_user_value(row("setting.p09"), "57.6 V").value()) == 57.6);
  CHECK_FALSE(parse_user_value(row("setting.p07"), "sixty").ok());
  CHECK(std::get<std::string>(parse_user_value(row("setting.p41"), "03:00").value()) == "03:00");
}

TEST_CASE("LCD 33 on firmware that numbers the protocol list from 1", "[unit][codec]") {
  const RegisterRow* p33 = map().find("setting.p33");
  REQUIRE(p33);
  DecodeContext from0;
  DecodeContext from1;
  from1.list_base = 1;
  const std::uint16_t seven[] = {7}, eight[] = {8}, zero[] = {0};
  CHECK(std::get<std::string>(*decode(*p33, seven, from0)) == "WOW");
  CHECK(std::get<std::string>(*decode(*p33, eight, from0)) == "PYL");  // the false drift
  CHECK(std::get<std::string>(*decode(*p33, eight, from1)) == "WOW");
  CHECK(std::get<std::string>(*decode(*p33, zero, from1)) == "unknown (0)");
  CHECK(*encode(*p33, PointValue{std::string("WOW")}, from1) == std::vector<std::uint16_t>{8});
  CHECK(*encode(*p33, PointValue{std::string("WOW")}, from0) == std::vector<std::uint16_t>{7});
  CHECK(*encode(*p33, PointValue{7.0}, from1) == std::vector<std::uint16_t>{8});
  // Other lists keep their numbering whatever the base.
  const RegisterRow* p32 = map().find("setting.p32");
  REQUIRE(p32);
  const std::uint16_t one[] = {1};
  CHECK(std::get<std::string>(*decode(*p32, one, from1)) == "485");
}

TEST_CASE("a row's display precision follows its step", "[unit][codec]") {
  CHECK(display_decimals(row("battery.voltage"), ctx48()) == 1);
  CHECK(display_decimals(row("grid.frequency"), ctx48()) == 2);
  CHECK(display_decimals(row("battery.soc"), ctx48()) == 0);
  CHECK(display_decimals(row("setting.p09"), ctx48()) == 1);  // 0.4 V steps on a 48 V bank
  DecodeContext unknown = ctx48();
  unknown.battery_voltage_factor.reset();
  CHECK(display_decimals(row("setting.p09"), unknown) == -1);  // no step without E003
  CHECK(display_decimals(row("setting.p41"), ctx48()) == -1);  // a time, not a number
}

TEST_CASE("a scale worked out once decodes as the context would", "[unit][codec]") {
  for (const auto& r : map().rows()) {
    std::vector<std::uint16_t> words(r.length, 0);
    if (r.type == RegType::kHhmm) words[0] = 0x0D1E;  // 13:30
    if (r.type == RegType::kClock) words = {0x1A0C, 0x0103, 0x0405};
    words[0] = r.type == RegType::kU16 || r.type == RegType::kS16 ? 0x0123 : words[0];
    const NumberScale scale = number_scale(r, ctx48());
    auto plain = decode(r, words, ctx48());
    auto scaled = decode(r, words, ctx48(), scale);
    REQUIRE(plain.ok() == scaled.ok());
    if (plain.ok()) CHECK(*plain == *scaled);
    CHECK(scale.decimals == display_decimals(r, ctx48()));
  }
  // Without E003 a normalised row has no scale, and says why.
  DecodeContext unknown = ctx48();
  unknown.battery_voltage_factor.reset();
  const NumberScale none = number_scale(row("setting.p09"), unknown);
  CHECK_FALSE(none.known);
  const std::uint16_t raw[] = {144};
  auto v = decode(row("setting.p09"), raw, unknown, none);
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().detail.find("E003") != std::string::npos);
  CHECK(text(row("setting.p41"), {0x1709}) == "23:09");  // slot times written out by hand
}

TEST_CASE("decoding over a kept value gives what decode gives, in the buffer it held",
          "[unit][codec]") {
  // Every row, over a value that held each kind before: the result must not depend on it.
  const std::vector<PointValue> before = {
      PointValue{}, PointValue{1.5}, PointValue{std::string(64, 'x')},
      PointValue{std::vector<FaultCode>{{7, "old", "old fault"}}}, PointValue{TextList{"a"}}};
  for (const auto& r : map().rows()) {
    std::vector<std::uint16_t> words(r.length, 0);
    if (r.type == RegType::kHhmm) words[0] = 0x0D1E;
    if (r.type == RegType::kClock) words = {0x1A0C, 0x0103, 0x0405};
    if (r.type == RegType::kFaults) words[0] = 12;
    if (r.type == RegType::kString) words[0] = 'L';
    const NumberScale scale = number_scale(r, ctx48());
    auto plain = decode(r, words, ctx48(), scale);
    for (const auto& held : before) {
      PointValue into = held;
      Status s = decode_into(r, words, ctx48(), scale, into);
      INFO(r.name << " over kind " << held.index());
      REQUIRE(s.ok() == plain.ok());
      if (plain.ok()) CHECK(into == *plain);
    }
  }
  // Text lands in the string already held: no new buffer per poll.
  PointValue kept{std::string(32, ' ')};
  const char* buffer = std::get<std::string>(kept).data();
  const std::uint16_t clock[] = {(26 << 8) | 11, (22 << 8) | 14, (5 << 8) | 9};
  REQUIRE(decode_into(row("inverter.clock"), clock, ctx48(), {}, kept).ok());
  CHECK(std::get<std::string>(kept) == "2026-11-22 14:05:09");
  CHECK(std::get<std::string>(kept).data() == buffer);
  const std::uint16_t state[] = {4};
  REQUIRE(decode_into(row("inverter.charge_state"), state, ctx48(), {}, kept).ok());
  CHECK(std::get<std::string>(kept) == "float");
  CHECK(std::get<std::string>(kept).data() == buffer);
  // A wrong word count is refused as decode() refuses it.
  const std::uint16_t short_clock[] = {0x1A0C};
  CHECK_FALSE(decode_into(row("inverter.clock"), short_clock, ctx48(), {}, kept).ok());
}

TEST_CASE("the shipped map declares battery power in whole watts", "[unit][codec]") {
  bool found = false;
  for (const auto& d : map().derived()) {
    if (d.name == "battery.power") {
      found = true;
      CHECK(d.decimals == 0);
    }
  }
  CHECK(found);
}
