// SPDX-License-Identifier: Apache-2.0
// The settings controller's decisions against in-memory fakes: an in-memory inverter behind the
// real link, a scratch database, a manual clock and a clock-sync source that flips. No pty, no
// simulator process: what is decided, and what reaches the inverter because of it.
#include <catch2/catch.hpp>

#include <cmath>
#include <optional>

#include "fake_modbus_client.hpp"
#include "sunbridge/adapters/profile_json.hpp"
#include "sunbridge/adapters/settings_store.hpp"
#include "sunbridge/app/settings_controller.hpp"
#include "sunbridge/app/tariff_service.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/strategy/control_settings.hpp"
#include "testkit/process.hpp"

using namespace sb;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

class FlippingSource final : public TimeSyncSource {
 public:
  bool synced = false;
  [[nodiscard]] TimeSyncState read(WallTime) const override {
    return {synced, "fake", synced ? "synchronised" : "not synchronised"};
  }
};

WallTime jst_noon(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days(year_month_day{year(y), month(m), day(d)}) + hours(3);
}

struct Rig {
  testkit::TempDir dir;
  adapters::Config config = adapters::default_config();
  protocol::RegisterMap map = protocol::RegisterMap::embedded();
  protocol::FaultTable faults = protocol::FaultTable::embedded();
  test::FakeModbusClient client;
  ManualClock clock{jst_noon(2027, 1, 15)};  // winter: 60 A, 60 min, 03:00, 60 %
  Logger log{LogLevel::kError, [](LogLevel, std::string_view, std::string_view) {}};
  EventLoop loop;
  WorkerThread bus{"test-bus"};
  std::unique_ptr<device::InverterLink> link;
  domain::PointStore points{map.derived()};
  adapters::HistoryStore history{dir.file("h.db")};
  FlippingSource source;
  app::TimeWatch time{source, clock, points};
  domain::Tariff tariff = app::load_tariffs("").at("shikoku-seasonal-tou");
  domain::HolidayCalendar holidays = app::load_holidays();
  domain::checks::SlotWatch slots{domain::checks::SlotWatchRule{}};
  std::unique_ptr<app::SettingsController> controller;

  // `slot_nights`: what the charge-slot check has measured before the controller starts.
  explicit Rig(const std::string& mode = "type-b", const json& slot_nights = nullptr) {
    REQUIRE(set_process_timezone("Asia/Tokyo"));
    config.profiles.mode = mode;
    slots.restore(slot_nights);
    config.settings.settle = 0ms;
    config.settings.clock_sync = true;
    client.registers[0x001C] = 208;
    client.registers[0xE003] = 48;
    client.registers[0xE20A] = 500;     // 07 50 A: the spring/autumn row
    client.registers[0xE012] = 45;      // 10 45 min
    client.registers[0xE027] = 0x0300;  // 41 03:00
    client.registers[0xE020] = 45;      // 62 45 %
    client.registers[0xE01E] = 20;      // 58 discharge alarm 20 %
    client.registers[0xE00F] = 15;      // 59 discharge stop 15 %
    client.registers[0xE01D] = 90;      // 60 charge stop 90 %
    client.registers[0xE01F] = 19;      // 61 switch to grid 19 %
    device::LinkOptions lo;
    lo.inter_transaction_gap = 0ms;
    link = std::make_unique<device::InverterLink>(client, map, faults, lo, clock, log);
    controller = std::make_unique<app::SettingsController>(
        app::SettingsContext{config, map, clock, log, loop, bus, *link, points, history, time,
                             &tariff, &holidays, &slots});
  }
  ~Rig() { bus.stop(); }

  // A settings poll as the daemon runs it: read on the bus, points applied, then the controller.
  void settings_poll() {
    std::optional<device::PollReport> report;
    bus.submit([&] {
      auto r = link->poll(protocol::Group::kSettings);
      loop.post([&report, r = std::move(r)]() mutable { report = std::move(r); });
    });
    for (int i = 0; i < 200 && !report; ++i)
      loop.run_once(10ms);
    REQUIRE(report);
    for (auto& g : report->groups)
      points.apply(g.update);
    (void)time.check();
    controller->on_settings_poll();
    for (int i = 0; i < 50; ++i)  // let a transaction run and report back
      loop.run_once(10ms);
  }
};

}  // namespace

TEST_CASE("settings controller: nothing is written on an untrusted clock, all of it once trusted",
          "[unit][app][settings]") {
  Rig rig;
  rig.settings_poll();
  CHECK(rig.client.writes.empty());  // the winter row differs, but the clock cannot be trusted
  rig.source.synced = true;
  rig.settings_poll();
  using W = std::pair<std::uint16_t, std::vector<std::uint16_t>>;
  CHECK(rig.client.writes == std::vector<W>{{0xE20A, {600}}, {0xE012, {60}}, {0xE020, {60}}});
  // What was read back is in the point store at once.
  CHECK(std::get<double>(rig.points.get("setting.p07", rig.clock.wall_now())->value) == 60.0);
  rig.client.writes.clear();
  rig.settings_poll();
  CHECK(rig.client.writes.empty());  // done: nothing differs any more
}

TEST_CASE("settings controller: the clock command is refused while the clock is untrusted",
          "[unit][app][settings]") {
  Rig rig;
  rig.settings_poll();
  std::optional<json> reply;
  REQUIRE(rig.controller->handle("clock.sync", json::object(), [&](json r) { reply = r; }));
  REQUIRE(reply);
  CHECK((*reply)["ok"] == false);
  CHECK((*reply)["error"].get<std::string>().find("not synchronised") != std::string::npos);
  CHECK(rig.client.writes.empty());
}

TEST_CASE("settings controller: a manual change is validated, budgeted and read back",
          "[unit][app][settings]") {
  Rig rig;
  rig.config.settings.apply = false;  // the schedule stays out of it
  rig.settings_poll();
  std::optional<json> reply;
  auto ask = [&](const json& request) {
    reply.reset();
    REQUIRE(rig.controller->handle(request["cmd"], request, [&](json r) { reply = r; }));
    for (int i = 0; i < 100 && !reply; ++i)
      rig.loop.run_once(10ms);
    REQUIRE(reply);
    return *reply;
  };
  json r = ask({{"cmd", "params.set"}, {"id", "62"}, {"value", "95"}});
  CHECK(r["error"] == "62 (switch-back 95 %) must not exceed 60 (charge stop 90 %)");
  CHECK(rig.client.writes.empty());
  r = ask({{"cmd", "params.set"}, {"id", "07"}, {"value", "55"}});
  CHECK(r["ok"] == true);
  CHECK(rig.client.registers[0xE20A] == 550);
  CHECK(std::get<double>(rig.points.get("setting.p07", rig.clock.wall_now())->value) == 55.0);
}

TEST_CASE("settings controller: automatic mode chooses, explains and writes through the writer",
          "[unit][app][settings][strategy]") {
  Rig rig("auto");
  rig.source.synced = true;
  auto ask = [&](const json& request) {
    std::optional<json> reply;
    REQUIRE(rig.controller->handle(request["cmd"], request, [&](json r) { reply = r; }));
    for (int i = 0; i < 100 && !reply; ++i)
      rig.loop.run_once(10ms);
    REQUIRE(reply);
    return *reply;
  };
  // Without the battery's charge nothing is chosen (nor written) on a guess.
  rig.settings_poll();
  CHECK(rig.client.writes.empty());
  json waiting = ask({{"cmd", "profile.show"}});
  CHECK(waiting["auto"].is_null());
  CHECK(waiting["selection"]["reason"].get<std::string>().find("no choice yet") !=
        std::string::npos);
  rig.points.set(Point{"battery.soc", 40.0, "%", Quality::kOk, rig.clock.wall_now(), ""});
  rig.settings_poll();
  const json show = ask({{"cmd", "profile.show"}});
  CHECK(show["mode"] == "auto");
  const json& choice = show["auto"];
  REQUIRE(choice.is_object());
  CHECK(choice["served"] == "2027-01-16");
  // It says what it chose, what it expects and what Type B would have chosen.
  const std::string reason = choice["reason"];
  CHECK(reason.find("automatic for 2027-01-16: ") == 0);
  CHECK(reason.find("type-b would choose 07 60 A, 10 60 min, 41 03:00, 62 60 %") !=
        std::string::npos);
  CHECK(choice["expected_yen"].get<double>() <= choice["table"]["expected_yen"].get<double>());
  // The choice is what reached the inverter, through the writer, audited with cause "auto".
  REQUIRE_FALSE(rig.client.writes.empty());
  const auto chosen =
      domain::strategy::control_settings_from(adapters::settings_from_json(choice["values"]));
  REQUIRE(chosen);
  CHECK(rig.client.registers[0xE20A] == static_cast<std::uint16_t>(chosen->max_charge_a * 10));
  CHECK(rig.client.registers[0xE020] == static_cast<std::uint16_t>(chosen->back_to_battery_soc));
  const json audit = ask({{"cmd", "audit"}})["audit"];
  REQUIRE_FALSE(audit.empty());
  for (const auto& row : audit) {
    CHECK(row["cause"] == "auto");
    CHECK(row["result"] == "written");
  }
  // Asked again the same day, it keeps its choice: nothing more is written.
  rig.client.writes.clear();
  rig.settings_poll();
  CHECK(rig.client.writes.empty());
}

TEST_CASE(
    "automatic mode plans without slot 1 once the slot check has measured it delivers "
    "nothing",
    "[unit][app][settings][strategy]") {
  json nights = json::array();
  for (const char* night : {"2027-01-12", "2027-01-13", "2027-01-14"}) {
    nights.push_back({{"night", night},
                      {"slot", "slot 1 (40-41)"},
                      {"samples", 180},
                      {"soc_gain_pct", -9.0},
                      {"charge_ah", 0.0},
                      {"charge_kwh", 0.0},
                      {"delivered", false}});
    nights.push_back({{"night", night},
                      {"slot", "slot 2 (42-43)"},
                      {"samples", 140},
                      {"soc_gain_pct", 16.8},
                      {"charge_ah", 52.6},
                      {"charge_kwh", 2.7},
                      {"delivered", true}});
  }
  CHECK_FALSE(domain::checks::SlotWatch(domain::checks::SlotWatchRule{}).slot1_delivers());
  Rig rig("auto", {{"nights", nights}});
  REQUIRE(rig.slots.slot1_delivers() == std::optional<bool>(false));
  rig.source.synced = true;
  rig.points.set(Point{"battery.soc", 40.0, "%", Quality::kOk, rig.clock.wall_now(), ""});
  rig.settings_poll();
  std::optional<json> reply;
  REQUIRE(rig.controller->handle("profile.show", json::object(), [&](json r) { reply = r; }));
  REQUIRE(reply);
  const std::string reason = (*reply)["auto"]["reason"];
  INFO(reason);
  CHECK(reason.find("slot 1 has delivered nothing lately: planned without it") !=
        std::string::npos);
  // One night that charged again: slot 1 counts once more.
  nights.push_back({{"night", "2027-01-15"},
                    {"slot", "slot 1 (40-41)"},
                    {"samples", 180},
                    {"soc_gain_pct", 20.0},
                    {"charge_ah", 60.0},
                    {"charge_kwh", 3.2},
                    {"delivered", true}});
  rig.slots.restore({{"nights", nights}});
  CHECK(rig.slots.slot1_delivers() == std::optional<bool>(true));
}

TEST_CASE("automatic mode starts the night on the grid when SBU has already switched",
          "[unit][app][settings][strategy]") {
  auto choose = [](const char* inverter_state) {
    Rig rig("auto");
    rig.source.synced = true;
    const WallTime now = rig.clock.wall_now();
    rig.points.set(Point{"battery.soc", 30.0, "%", Quality::kOk, now, ""});
    rig.points.set(Point{"inverter.state", std::string(inverter_state), "", Quality::kOk, now, ""});
    rig.settings_poll();
    std::optional<json> reply;
    REQUIRE(rig.controller->handle("profile.show", json::object(), [&](json r) { reply = r; }));
    REQUIRE(reply);
    REQUIRE((*reply)["auto"].is_object());
    return (*reply)["auto"]["keep_yen"].get<double>();
  };
  // 30 % is above 61 (19 %) and below 62 (45 %): on the battery or on the grid, the night runs
  // differently, and so does what keeping the settings costs.
  CHECK(std::fabs(choose("line") - choose("battery")) > 1.0);
}

TEST_CASE("automatic mode plans with the load the gateway measured",
          "[unit][app][settings][strategy]") {
  // `share`: ten whole measured days at this share of the model's January use (none: no days).
  auto choose = [](std::optional<double> share) {
    Rig rig("auto");
    rig.source.synced = true;
    if (share) {
      json rows = json::array();
      for (int d = 5; d <= 14; ++d) {
        char day[16];
        std::snprintf(day, sizeof day, "2027-01-%02d", d);
        rows.push_back({{"day", day}, {"load_kwh", 33.13 * *share}});
      }
      REQUIRE(adapters::SettingsStore(rig.history.db())
                  .put("energy.measured_days", rows, rig.clock.wall_now()));
    }
    rig.points.set(Point{"battery.soc", 40.0, "%", Quality::kOk, rig.clock.wall_now(), ""});
    rig.settings_poll();
    std::optional<json> reply;
    REQUIRE(rig.controller->handle("profile.show", json::object(), [&](json r) { reply = r; }));
    REQUIRE(reply);
    REQUIRE((*reply)["auto"].is_object());
    return (*reply)["auto"];
  };
  const json model = choose(std::nullopt);
  const json heavy = choose(1.4);
  INFO(model["reason"] << "\n" << heavy["reason"]);
  CHECK(model["reason"].get<std::string>().find(
            "load from the calibrated model (fewer than 7 whole days measured)") !=
        std::string::npos);
  CHECK(model["load"]["measured_days"] == 0);
  CHECK(heavy["reason"].get<std::string>().find(
            "load learned from 10 measured days (140 % of the model)") != std::string::npos);
  CHECK(heavy["load"]["measured_days"] == 10);
  CHECK(heavy["load"]["factor"].get<double>() == Approx(1.4));
  // The house that uses more costs more to run over the same three days, whatever is chosen.
  CHECK(heavy["keep_yen"].get<double>() > model["keep_yen"].get<double>() + 100);
}
