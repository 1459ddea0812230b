// SPDX-License-Identifier: Apache-2.0
// Maintenance reminders: due dates from data, done recorded, an event once per due date.
#include <catch2/catch.hpp>

#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/app/maintenance_service.hpp"
#include "sunbridge/core/local_time.hpp"
#include "testkit/process.hpp"

using namespace sb;
using nlohmann::json;

namespace {

domain::Date date(int y, int m, int d) {
  return domain::Date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                      std::chrono::day(static_cast<unsigned>(d))};
}

}  // namespace

TEST_CASE("maintenance items fall due by interval or at the next season change",
          "[unit][maintenance]") {
  const auto plan = app::load_maintenance_plan();
  REQUIRE(plan.items().size() == 5);
  const auto s =
      domain::maintenance_status(plan, {{"visual", date(2026, 11, 20)}}, date(2026, 10, 1));
  auto find = [&](const char* id) {
    for (const auto& x : s) {
      if (x.item->id == id) return x;
    }
    FAIL(id);
    return s.front();
  };
  CHECK(find("visual").due == date(2026, 12, 20));      // 30 days after it was done
  CHECK(find("electrical").due == date(2026, 12, 30));  // 90 days after the list started
  CHECK(find("overhaul").due == date(2027, 10, 1));
  CHECK(find("season").due == date(2026, 12, 1));  // the next season start after Oct 1
  CHECK(find("season").is_due(date(2026, 12, 2)));
  CHECK_FALSE(find("visual").is_due(date(2026, 12, 2)));
  schema::Issues issues;
  CHECK_FALSE(domain::MaintenancePlan::from_json(
      R"({"schema": "sunbridge.maintenance/1", "items": [{"id": "a", "what": "x"},
          {"id": "a", "every_days": 3, "season_starts": [4], "what": "y"}]})",
      issues));
  const std::string text = schema::format_issues(issues, "m.json");
  CHECK(text.find("give either every_days or season_starts") != std::string::npos);
  CHECK(text.find("duplicate id 'a'") != std::string::npos);
}

TEST_CASE("maintenance: list, done and one event per due date, kept across restarts",
          "[unit][maintenance]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  testkit::TempDir dir;
  adapters::HistoryStore history(dir.file("h.db"));
  std::vector<Event> events;
  auto at = [](int y, int m, int d) { return *from_local_civil({y, m, d, 12, 0, 0}); };
  auto ask = [&](app::MaintenanceService& m, const json& request, WallTime now, bool trusted) {
    json got;
    REQUIRE(m.handle(request["cmd"], request, now, trusted, [&](json r) { got = std::move(r); }));
    return got;
  };
  {
    app::MaintenanceService m(history.db(), [&](const Event& e) { events.push_back(e); });
    // No trusted clock: no dates at all.
    CHECK(ask(m, {{"cmd", "maintenance.list"}}, at(2026, 11, 15), false)["ok"] == false);
    m.run(at(2026, 11, 15), true);  // the list starts today
    CHECK(events.empty());
    m.run(at(2026, 12, 1), true);  // a season change: the check of connections and dust
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == "maintenance.due");
    CHECK(events[0].message.find("season change") != std::string::npos);
    m.run(at(2026, 12, 2), true);  // said once
    CHECK(events.size() == 1);
    const json done = ask(m, {{"cmd", "maintenance.done"}, {"item", "season"}, {"note", "clean"}},
                          at(2026, 12, 2), true);
    REQUIRE(done["ok"] == true);
    const json bad =
        ask(m, {{"cmd", "maintenance.done"}, {"item", "dusting"}}, at(2026, 12, 2), true);
    CHECK(bad["error"].get<std::string>().find("the items: visual, electrical") !=
          std::string::npos);
  }
  app::MaintenanceService again(history.db(), [&](const Event& e) { events.push_back(e); });
  const json list = ask(again, {{"cmd", "maintenance.list"}}, at(2026, 12, 3), true);
  for (const auto& item : list["items"]) {
    if (item["id"] != "season") continue;
    CHECK(item["last_done"] == "2026-12-02");
    CHECK(item["note"] == "clean");
    CHECK(item["due"] == "2027-04-01");
  }
  again.run(at(2026, 12, 15), true);  // the visual inspection: 30 days from 2026-11-15
  REQUIRE(events.size() == 2);
  CHECK(events[1].message.find("visual inspection") != std::string::npos);
}
