// SPDX-License-Identifier: Apache-2.0
// The settings transaction against an in-memory inverter: fresh read, diff, ordered writes with
// read-back, rollback newest first, the budget allowance and dry runs.
#include <catch2/catch.hpp>

#include "fake_modbus_client.hpp"
#include "sunbridge/device/settings_transaction.hpp"

using namespace sb;
using namespace sb::device;
using namespace std::chrono_literals;

namespace {

struct Rig {
  protocol::RegisterMap map = protocol::RegisterMap::embedded();
  protocol::FaultTable faults = protocol::FaultTable::embedded();
  test::FakeModbusClient client;
  ManualClock clock;
  Logger log{LogLevel::kError, [](LogLevel, std::string_view, std::string_view) {}};
  std::unique_ptr<InverterLink> link;
  TransactionOptions options;

  Rig() {
    LinkOptions lo;
    lo.inter_transaction_gap = 0ms;
    lo.retries = 0;
    client.registers[0xE20A] = 500;     // 07 50 A
    client.registers[0xE012] = 45;      // 10 45 min
    client.registers[0xE027] = 0x0300;  // 41 03:00
    client.registers[0xE020] = 45;      // 62 45 %
    link = std::make_unique<InverterLink>(client, map, faults, lo, clock, log);
    options.settle = 0ms;
  }
  // The winter row: 60 A, 60 min, 03:00, 60 %.
  std::vector<RegisterWrite> winter() const {
    return {{"07", 0xE20A, {600}},
            {"10", 0xE012, {60}},
            {"41", 0xE027, {0x0300}},
            {"62", 0xE020, {60}}};
  }
};

}  // namespace

TEST_CASE("only differing registers are written, in order, each read back", "[transaction]") {
  Rig rig;
  auto r = run_settings_transaction(*rig.link, rig.winter(), rig.options);
  REQUIRE(r.ok);
  using W = std::pair<std::uint16_t, std::vector<std::uint16_t>>;
  CHECK(rig.client.writes == std::vector<W>{{0xE20A, {600}}, {0xE012, {60}}, {0xE020, {60}}});
  CHECK(r.steps[2].result == StepResult::kUnchanged);
  CHECK(r.steps[0].result == StepResult::kWritten);
  CHECK(r.steps[0].before == std::vector<std::uint16_t>{500});
  CHECK(r.steps[0].readback == std::vector<std::uint16_t>{600});
  CHECK(r.frames_written() == 3);
  // Idempotent: a second run writes nothing.
  rig.client.writes.clear();
  CHECK(run_settings_transaction(*rig.link, rig.winter(), rig.options).ok);
  CHECK(rig.client.writes.empty());
}

TEST_CASE("exception 08 mid-transaction restores what was written, newest first", "[transaction]") {
  Rig rig;
  rig.client.write_errors.emplace(0xE020, Error::exception(0x08));
  auto r = run_settings_transaction(*rig.link, rig.winter(), rig.options);
  CHECK_FALSE(r.ok);
  CHECK(r.rolled_back);
  CHECK(r.reason.find("62: write 0xE020 failed") == 0);
  using W = std::pair<std::uint16_t, std::vector<std::uint16_t>>;
  CHECK(rig.client.writes ==
        std::vector<W>{
            {0xE20A, {600}}, {0xE012, {60}}, {0xE020, {60}}, {0xE012, {45}}, {0xE20A, {500}}});
  CHECK(rig.client.registers[0xE20A] == 500);
  CHECK(rig.client.registers[0xE012] == 45);
  CHECK(rig.client.registers[0xE020] == 45);
  CHECK(r.steps[0].result == StepResult::kRolledBack);
  CHECK(r.steps[1].result == StepResult::kRolledBack);
  CHECK(r.steps[3].result == StepResult::kFailed);
  CHECK(r.frames_written() == 5);
}

TEST_CASE("a read-back mismatch fails the step and is restored too", "[transaction]") {
  Rig rig;
  rig.client.ignore_writes.insert(0xE012);  // acknowledged, not stored
  auto r = run_settings_transaction(*rig.link, rig.winter(), rig.options);
  CHECK_FALSE(r.ok);
  CHECK(r.steps[1].result == StepResult::kFailed);
  CHECK(r.steps[1].error == "read-back of 0xE012 is 45, wrote 60");
  CHECK(r.steps[0].result == StepResult::kRolledBack);
  CHECK(rig.client.registers[0xE20A] == 500);
  CHECK(r.steps[3].result == StepResult::kNotAttempted);
}

TEST_CASE("a timed-out write is read back, one that did not take effect needs no restore",
          "[transaction]") {
  Rig rig;
  // The write reaches the inverter but the answer is lost: the value is stored, then timeout.
  rig.client.write_errors.emplace(0xE20A, Error::timeout("no answer"));
  rig.client.registers[0xE20A] = 500;
  auto r = run_settings_transaction(*rig.link, {{"07", 0xE20A, {600}}}, rig.options);
  CHECK_FALSE(r.ok);
  // The fake fails before storing, so the read-back equals "before": nothing to restore.
  CHECK(r.steps[0].readback == std::vector<std::uint16_t>{500});
  CHECK(rig.client.writes.size() == 1);
}

TEST_CASE("an unreadable register refuses the whole transaction before any write",
          "[transaction]") {
  Rig rig;
  rig.client.holes.insert(0xE020);
  auto r = run_settings_transaction(*rig.link, rig.winter(), rig.options);
  CHECK(r.refused);
  CHECK(rig.client.writes.empty());
  CHECK(r.reason.find("cannot read 62") == 0);
}

TEST_CASE("the allowance refuses a transaction that needs more writes than are left",
          "[transaction]") {
  Rig rig;
  rig.options.allowance.total = 2;  // three would be needed
  auto r = run_settings_transaction(*rig.link, rig.winter(), rig.options);
  CHECK(r.refused);
  CHECK(rig.client.writes.empty());
  rig.options.allowance.total = 3;
  rig.options.allowance.per_param["07"] = 0;
  r = run_settings_transaction(*rig.link, rig.winter(), rig.options);
  CHECK(r.refused);
  CHECK(r.reason == "write budget for 07: 0 writes left today");
}

TEST_CASE("a dry run reads and plans but writes nothing", "[transaction]") {
  Rig rig;
  rig.options.dry_run = true;
  auto r = run_settings_transaction(*rig.link, rig.winter(), rig.options);
  CHECK(r.ok);
  CHECK(rig.client.writes.empty());
  CHECK(r.steps[0].result == StepResult::kPlanned);
  CHECK(r.steps[2].result == StepResult::kUnchanged);
}
