// SPDX-License-Identifier: Apache-2.0
// The three BMS sources against in-memory fakes.
#include <catch2/catch.hpp>

#include "fake_modbus_client.hpp"
#include "fake_serial_port.hpp"
#include "sunbridge/device/bms_sources.hpp"
#include "sunbridge/protocol/pace_modbus.hpp"
#include "sunbridge/protocol/rtu_frame.hpp"

using namespace sb;
using namespace sb::device;
using namespace std::chrono_literals;

namespace {

protocol::PackRecord sample_pack(int address) {
  protocol::PackRecord r;
  r.pack = address;
  r.current_a = -2.25;
  r.voltage_v = 52.43;
  r.soc_pct = 47;
  r.soh_pct = 100;
  r.remaining_ah = 48.19;
  r.full_ah = 103.46;
  r.design_ah = 100.0;
  r.cycles = 140;
  for (int i = 0; i < 16; ++i)
    r.cells_mv.push_back(3269 + i % 4);
  r.temps_c = {24.1, 23.9, 23.9, 23.9};
  r.mos_temp_c = 26.5;
  r.ambient_temp_c = 27.4;
  r.model = "P16S100A-1812-1.00";
  r.serial = "SN" + std::to_string(address);
  return r;
}

BmsOptions fast_options(BmsMode mode) {
  BmsOptions o;
  o.mode = mode;
  o.addresses = {1, 2};
  o.frame_gap = 0ms;
  o.response_timeout = 20ms;
  o.retries = 1;
  o.sniff_window = 50ms;
  o.line_idle = 1ms;
  o.health = {2, 1000ms, 8000ms};
  return o;
}

struct Rig {
  ManualClock clock;
  std::vector<std::string> logs;
  Logger log{LogLevel::kDebug,
             [this](LogLevel, std::string_view, std::string_view m) { logs.emplace_back(m); }};
};

std::vector<std::uint8_t> bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

}  // namespace

TEST_CASE("modbus mode polls each address, reads the strings once", "[unit][bms][device]") {
  Rig rig;
  test::FakeModbusClient client;
  client.max_registers = 125;
  // The fake is one register file; the poller switches slave per pack.
  auto regs = protocol::encode_pace_registers(sample_pack(1), {0, 0, 0x0C00, 0});
  for (std::size_t i = 0; i < regs.size(); ++i)
    client.registers[static_cast<std::uint16_t>(i)] = regs[i];
  auto info = protocol::encode_pace_info(sample_pack(1));
  for (std::size_t i = 0; i < info.size(); ++i)
    client.registers[static_cast<std::uint16_t>(150 + i)] = info[i];
  BmsModbusPoller poller(client, fast_options(BmsMode::kModbus), rig.clock, rig.log);
  auto report = poller.poll();
  REQUIRE(report.packs.size() == 2);
  for (const auto& p : report.packs) {
    INFO(p.error);
    REQUIRE(p.record.has_value());
    CHECK(p.state == LinkState::kOnline);
    CHECK(*p.record->voltage_v == Approx(52.43));
    CHECK(p.record->model == "P16S100A-1812-1.00");
  }
  CHECK(client.reads.size() == 4);  // analog + strings for each pack
  client.reads.clear();
  (void)poller.poll();
  CHECK(client.reads.size() == 2);  // strings are not read again
  CHECK(client.slave == 2);
}

TEST_CASE("modbus mode: a silent pack goes offline alone", "[unit][bms][device]") {
  Rig rig;
  test::FakeModbusClient client;
  BmsOptions o = fast_options(BmsMode::kModbus);
  o.addresses = {1};
  o.retries = 0;
  BmsModbusPoller poller(client, o, rig.clock, rig.log);
  client.next_errors = {Error::timeout(), Error::timeout()};
  auto r1 = poller.poll();
  CHECK_FALSE(r1.packs[0].record);
  CHECK(r1.packs[0].error.find("timeout") != std::string::npos);
  auto r2 = poller.poll();
  CHECK(r2.packs[0].state == LinkState::kOffline);
  CHECK(r2.counters.timeouts == 2);
}

TEST_CASE("a pack swapped while it was silent is read under its new serial",
          "[unit][bms][device]") {
  Rig rig;
  SECTION("modbus mode") {
    test::FakeModbusClient client;
    client.max_registers = 125;
    const auto load = [&](const protocol::PackRecord& pack) {
      auto regs = protocol::encode_pace_registers(pack, {0, 0, 0x0C00, 0});
      for (std::size_t i = 0; i < regs.size(); ++i)
        client.registers[static_cast<std::uint16_t>(i)] = regs[i];
      auto info = protocol::encode_pace_info(pack);
      for (std::size_t i = 0; i < info.size(); ++i)
        client.registers[static_cast<std::uint16_t>(150 + i)] = info[i];
    };
    BmsOptions o = fast_options(BmsMode::kModbus);
    o.addresses = {1};
    o.retries = 0;
    BmsModbusPoller poller(client, o, rig.clock, rig.log);
    load(sample_pack(1));
    auto before = poller.poll();
    REQUIRE(before.packs[0].record);
    CHECK(before.packs[0].record->serial == "SN1");
    CHECK(poller.poll().packs[0].record->serial == "SN1");  // read once while it answers
    client.next_errors = {Error::timeout()};                // switched off for the swap
    CHECK_FALSE(poller.poll().packs[0].record);
    protocol::PackRecord replacement = sample_pack(1);
    replacement.serial = "SN-REPLACEMENT";
    load(replacement);
    auto after = poller.poll();
    REQUIRE(after.packs[0].record);
    CHECK(after.packs[0].record->serial == "SN-REPLACEMENT");
  }
  SECTION("ascii mode") {
    test::FakeSerialPort port;
    std::string serial = "SN1";
    bool silent = false;
    port.respond = [&](const std::vector<std::uint8_t>& req) -> std::vector<std::uint8_t> {
      if (silent) return {};
      auto f = protocol::parse_frame(std::string(req.begin(), req.end()));
      REQUIRE(f.ok());
      protocol::AsciiFrame a{0x25, 1, protocol::kCid1LiFePO4, 0, {}};
      if (f->cid2 == protocol::kCmdAnalog)
        a.info = protocol::encode_analog_info(sample_pack(1), protocol::AsciiDialect::kPace);
      if (f->cid2 == protocol::kCmdHardwareVersion || f->cid2 == protocol::kCmdSerial) {
        const std::string t = f->cid2 == protocol::kCmdSerial ? serial : "P16S100A";
        a.info.assign(t.begin(), t.end());
      }
      return bytes_of(protocol::encode_frame(a));
    };
    BmsOptions o = fast_options(BmsMode::kAscii);
    o.addresses = {1};
    o.retries = 0;
    BmsAsciiPoller poller(port, o, rig.clock, rig.log);
    auto before = poller.poll();
    REQUIRE(before.packs[0].record);
    CHECK(before.packs[0].record->serial == "SN1");
    silent = true;
    CHECK_FALSE(poller.poll().packs[0].record);
    serial = "SN-REPLACEMENT";
    silent = false;
    auto after = poller.poll();
    REQUIRE(after.packs[0].record);
    CHECK(after.packs[0].record->serial == "SN-REPLACEMENT");
  }
}

TEST_CASE("ascii mode asks the master for each pack and merges alarm flags",
          "[unit][bms][device]") {
  Rig rig;
  test::FakeSerialPort port;
  port.respond = [](const std::vector<std::uint8_t>& req) -> std::vector<std::uint8_t> {
    auto f = protocol::parse_frame(std::string(req.begin(), req.end()));
    REQUIRE(f.ok());
    CHECK(f->adr == 1);  // always the master
    const int target = f->info.at(0);
    protocol::AsciiFrame a{0x25, 1, protocol::kCid1LiFePO4, 0, {}};
    if (f->cid2 == protocol::kCmdAnalog)
      a.info = protocol::encode_analog_info(sample_pack(target), protocol::AsciiDialect::kPace);
    if (f->cid2 == protocol::kCmdAlarm) {
      protocol::AlarmBytes alarm;
      alarm.cell_warn.assign(16, 0);
      alarm.temp_warn.assign(6, 0);
      alarm.protect1 = target == 2 ? 0x40 : 0;  // pack 2: short circuit
      alarm.system_state = 0x06;
      a.info = protocol::encode_alarm_info(target, alarm);
    }
    if (f->cid2 == protocol::kCmdHardwareVersion || f->cid2 == protocol::kCmdSerial) {
      std::string t = f->cid2 == protocol::kCmdSerial ? "SN" + std::to_string(target) : "P16S100A";
      a.info.assign(t.begin(), t.end());
    }
    return bytes_of("garbage" + protocol::encode_frame(a));  // noise before the answer
  };
  BmsAsciiPoller poller(port, fast_options(BmsMode::kAscii), rig.clock, rig.log);
  auto report = poller.poll();
  REQUIRE(report.packs.size() == 2);
  REQUIRE(report.packs[1].record);
  CHECK(report.packs[1].record->pack == 2);
  CHECK(*report.packs[1].record->current_a == Approx(-2.25));
  CHECK(report.packs[1].record->protections == std::vector<std::string>{"short circuit"});
  CHECK(report.packs[1].record->serial == "SN2");
  CHECK(report.packs[0].record->protections.empty());
  CHECK(report.counters.stream.garbage_bytes >= 7);
  CHECK(report.counters.stream.ascii_frames == 8);
}

TEST_CASE("ascii mode: a wrong checksum is a failure, retried, counted", "[unit][bms][device]") {
  Rig rig;
  test::FakeSerialPort port;
  port.respond = [](const std::vector<std::uint8_t>&) {
    std::string good = protocol::encode_frame(
        {0x25, 1, protocol::kCid1LiFePO4, 0,
         protocol::encode_analog_info(sample_pack(1), protocol::AsciiDialect::kPace)});
    good[good.size() - 2] = good[good.size() - 2] == '0' ? '1' : '0';
    return bytes_of(good);
  };
  BmsOptions o = fast_options(BmsMode::kAscii);
  o.addresses = {1};
  BmsAsciiPoller poller(port, o, rig.clock, rig.log);
  auto report = poller.poll();
  CHECK_FALSE(report.packs[0].record);
  CHECK(report.counters.stream.bad_checksums == 2);  // first try and one retry
  CHECK(report.counters.timeouts == 2);
}

TEST_CASE("sniff mode decodes the inverter's exchange and never writes", "[unit][bms][device]") {
  Rig rig;
  test::ReplayReader tap;  // a SerialReader: there is no write to call
  auto regs = protocol::encode_pace_registers(sample_pack(2), {0x0001, 0x0001, 0x0C00, 0});
  auto req = protocol::encode_read_request({2, 0, 37});
  auto resp = protocol::encode_read_response(2, regs);
  tap.chunks.push_back({0x00, 0x42});  // noise
  tap.chunks.push_back(std::vector<std::uint8_t>(req.begin(), req.begin() + 5));
  tap.chunks.push_back(std::vector<std::uint8_t>(req.begin() + 5, req.end()));
  tap.chunks.push_back({});  // silence between request and answer
  tap.chunks.push_back(resp);
  BmsSniffer sniffer(tap, fast_options(BmsMode::kSniff), rig.clock, rig.log);
  auto report = sniffer.poll();
  REQUIRE(report.packs.size() == 2);
  REQUIRE(report.packs[1].record);
  CHECK(report.packs[1].record->pack == 2);
  CHECK(*report.packs[1].record->voltage_v == Approx(52.43));
  CHECK(report.packs[1].record->protections == std::vector<std::string>{"cell over-voltage"});
  CHECK(report.packs[1].state == LinkState::kOnline);
  // Pack 1 was never asked: not seen yet, due, not online.
  CHECK_FALSE(report.packs[0].record);
  CHECK(report.packs[0].error == "not seen on the bus yet");
  CHECK(report.counters.stream.garbage_bytes == 2);
  // Recently seen, then not in this window: not due, no failure recorded.
  auto quiet = sniffer.poll();
  CHECK_FALSE(quiet.packs[1].record);
  CHECK_FALSE(quiet.packs[1].due);
  CHECK(quiet.packs[1].state == LinkState::kOnline);
}

TEST_CASE("pack points: points.md names, units, flags as text", "[unit][bms][device]") {
  auto r = sample_pack(3);
  r.has_flags = true;
  r.protections = {"short circuit"};
  r.warnings = {"cell over-voltage"};
  r.states = {"CFET on"};
  r.balancing = 0x8001;
  auto u = pack_points(r, WallTime{});
  auto find = [&](const std::string& n) -> const Point* {
    for (const auto& p : u.fresh) {
      if (p.name == n) return &p;
    }
    return nullptr;
  };
  REQUIRE(find("pack.3.soc"));
  CHECK(find("pack.3.soc")->unit == "%");
  CHECK(std::get<double>(find("pack.3.current")->value) == Approx(-2.25));
  CHECK(std::get<double>(find("pack.3.cell.16")->value) == 3272);
  CHECK(find("pack.3.cell.16")->unit == "mV");
  CHECK(std::get<double>(find("pack.3.temp.4")->value) == 23.9);
  CHECK(std::get<double>(find("pack.3.temp.mos")->value) == 26.5);
  CHECK(std::get<double>(find("pack.3.cycles")->value) == 140);
  CHECK(std::get<TextList>(find("pack.3.alarms")->value) ==
        TextList{"warning: cell over-voltage", "protection: short circuit"});
  CHECK(std::get<TextList>(find("pack.3.balancing")->value) == TextList{"cell 1", "cell 16"});
  auto issues = pack_point_issues(3, 16, "timeout");
  CHECK(std::any_of(issues.begin(), issues.end(),
                    [](const PointIssue& i) { return i.name == "pack.3.cell.16"; }));
}
