// SPDX-License-Identifier: Apache-2.0
// The control API's answers against an in-memory point store and a scratch history database:
// what every front end (CLI socket, later the web page) shows.
#include <catch2/catch.hpp>

#include <optional>

#include "sunbridge/app/control_api.hpp"
#include "testkit/process.hpp"

using namespace sb;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct Rig {
  testkit::TempDir dir;
  adapters::Config config = adapters::default_config();
  protocol::RegisterMap map = protocol::RegisterMap::embedded();
  ManualClock clock{WallTime{std::chrono::seconds(1'800'000'000)}};
  domain::PointStore points{map.derived()};
  adapters::HistoryStore history{dir.file("h.db")};
  EventLoop loop;
  adapters::HistoryReader reader{dir.file("h.db"), loop};
  app::ControlApi api{app::ControlContext{config, map, clock, points, history, reader, [] {
                                            app::DaemonFacts f;
                                            f.port = "rtu:/dev/ttyUSB0 9600 8N1 slave 1";
                                            f.link_state = device::LinkState::kDegraded;
                                            f.bms = {{"mode", "none"}};
                                            return f;
                                          }}};

  void set(const std::string& name, double v, const std::string& unit) {
    points.set(Point{name, v, unit, Quality::kOk, clock.wall_now(), ""}, 30s);
  }
  // Runs a request through handle() and the loop until it is answered.
  json ask(const json& request) {
    std::optional<json> got;
    REQUIRE(api.handle(request.value("cmd", ""), request, [&](json r) { got = std::move(r); }));
    for (int i = 0; i < 200 && !got; ++i)
      loop.run_once(20ms);
    REQUIRE(got);
    return *got;
  }
};

}  // namespace

TEST_CASE("control API: status carries every point with quality, and the daemon's facts",
          "[unit][control]") {
  Rig rig;
  rig.set("battery.soc", 57, "%");
  rig.points.set(Point{"battery.voltage", 52.1, "V", Quality::kOk, rig.clock.wall_now(), ""}, 30s);
  rig.clock.advance(60s);  // voltage now too old: stale, never shown as fresh
  rig.set("battery.soc", 58, "%");
  const json s = rig.ask({{"cmd", "status"}});
  CHECK(s["ok"] == true);
  CHECK(s["daemon"]["link"]["state"] == "degraded");
  CHECK(s["daemon"]["port"] == "rtu:/dev/ttyUSB0 9600 8N1 slave 1");
  CHECK(s["points"]["battery.soc"]["value"] == 58.0);
  CHECK(s["points"]["battery.soc"]["quality"] == "ok");
  CHECK(s["points"]["battery.voltage"]["quality"] == "stale");
  CHECK(s["points"]["battery.voltage"]["value"].is_null());
  CHECK_FALSE(rig.api.handle("doctor", json::object(), [](json) {}));  // not a read command
}

TEST_CASE("control API: params by LCD id, unknown ids named", "[unit][control]") {
  Rig rig;
  rig.set("setting.p07", 60, "A");
  json r = rig.ask({{"cmd", "params"}, {"ids", {"07", "99", "x"}}});
  CHECK(r["ok"] == false);
  CHECK(r["error"] == "unknown LCD parameter(s): 99, x");
  r = rig.ask({{"cmd", "params"}, {"ids", {"7", "62"}}});
  REQUIRE(r["params"].size() == 2);
  CHECK(r["params"][0]["id"] == "07");
  CHECK(r["params"][0]["register"] == "0xE20A");
  CHECK(r["params"][0]["point"]["value"] == 60.0);
  CHECK(r["params"][1]["point"]["quality"] == "invalid");  // not read yet
}

TEST_CASE("control API: history answered from the reader, events from the store",
          "[unit][control]") {
  Rig rig;
  const WallTime t0 = rig.clock.wall_now();
  rig.history.record({{"battery.soc", 50.0, "%", Quality::kOk, t0, ""}}, t0);
  rig.history.record({{"battery.soc", 51.0, "%", Quality::kOk, t0 + 60s, ""}}, t0 + 60s);
  REQUIRE(rig.history
              .record_event({t0 + 30s,
                             "link.inverter.offline",
                             Severity::kWarning,
                             "inverter link online -> offline",
                             {}})
              .ok());
  rig.clock.advance(120s);
  rig.set("battery.soc", 52, "%");
  json h = rig.ask({{"cmd", "history"}, {"since_s", 3600}, {"points", {"battery.soc"}}});
  REQUIRE(h["ok"] == true);
  REQUIRE(h["rows"].size() == 2);
  CHECK(h["rows"][1][1] == 51.0);
  CHECK(h["units"][0] == "%");
  CHECK(h["truncated"] == false);
  CHECK(h["resolution"] == "raw");  // an hour: the samples themselves
  h = rig.ask({{"cmd", "history"},
               {"since_s", 3600},
               {"points", {"battery.soc"}},
               {"max_rows", 1},
               {"resolution", "raw"}});
  CHECK(h["truncated"] == true);
  REQUIRE(h["rows"].size() == 1);
  CHECK(h["rows"][0][1] == 51.0);  // the newest, never the oldest
  CHECK(h["note"].get<std::string>().find("only the newest samples") != std::string::npos);
  CHECK(rig.ask({{"cmd", "history"}, {"since_s", -1}})["ok"] == false);
  json bad = rig.ask({{"cmd", "history"}, {"since_s", 3600}, {"resolution", "5m"}});
  CHECK(bad["ok"] == false);
  CHECK(bad["error"].get<std::string>().find("unknown resolution '5m'") != std::string::npos);
  json e = rig.ask({{"cmd", "events"}, {"since_s", 3600}});
  REQUIRE(e["events"].size() == 1);
  CHECK(e["events"][0]["kind"] == "link.inverter.offline");
  CHECK(e["events"][0]["severity"] == "warning");
}

TEST_CASE("control API: a misspelled history point is an error with the nearest name",
          "[unit][control]") {
  Rig rig;
  rig.set("battery.soc", 52, "%");
  json h = rig.ask({{"cmd", "history"}, {"since_s", 3600}, {"points", {"battery.socc"}}});
  CHECK(h["ok"] == false);
  CHECK(h["error"] == "unknown point 'battery.socc' (did you mean 'battery.soc'?)");
  // A known point with no samples yet is an empty period, not an error.
  h = rig.ask({{"cmd", "history"}, {"since_s", 3600}, {"points", {"battery.soh"}}});
  CHECK(h["ok"] == true);
  CHECK(h["rows"].empty());
}
