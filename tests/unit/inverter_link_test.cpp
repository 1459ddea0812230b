// SPDX-License-Identifier: Apache-2.0
// The inverter device logic against an in-memory Modbus fake.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

#include "fake_modbus_client.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/device/inverter_link.hpp"
#include "sunbridge/device/inverter_survey.hpp"
#include "sunbridge/domain/point_store.hpp"

using namespace sb;
using namespace sb::device;
using protocol::Group;
using namespace std::chrono_literals;

namespace {

struct Rig {
  protocol::RegisterMap map = protocol::RegisterMap::embedded();
  protocol::FaultTable faults = protocol::FaultTable::embedded();
  test::FakeModbusClient client;
  ManualClock clock;
  std::vector<std::string> logs;
  Logger log{LogLevel::kDebug,
             [this](LogLevel, std::string_view, std::string_view m) { logs.emplace_back(m); }};
  LinkOptions options;
  std::unique_ptr<InverterLink> link;

  Rig() {
    options.inter_transaction_gap = 0ms;
    options.retries = 2;
    options.health = {3, 1000ms, 8000ms};
    client.registers[0x001C] = 208;  // protocol V2.08
    client.registers[0xE003] = 48;
    client.registers[0x0100] = 57;
    client.registers[0x0101] = 524;
    client.registers[0x0102] = 65037;  // charging 49.9 A
    client.registers[0x0213] = 1013;
    client.registers[0x022A] = 1007;
    client.registers[0xE008] = 144;
    client.registers[0xE20A] = 600;
    client.registers[0xE027] = 0x0300;
    set_inverter_clock({2026, 11, 22, 14, 0, 0});
    const char* serial = "SN123";
    for (int i = 0; serial[i] != 0; ++i)
      client.registers[static_cast<std::uint16_t>(0x0035 + i)] =
          static_cast<std::uint16_t>(serial[i]);
    rebuild();
  }
  // The inverter's clock registers (0x020C-0x020E) as the device encodes them.
  void set_inverter_clock(const CivilTime& t) {
    const auto words = protocol::encode_clock(t);
    REQUIRE(words.ok());
    for (std::size_t i = 0; i < words->size(); ++i)
      client.registers[static_cast<std::uint16_t>(0x020C + i)] = (*words)[i];
  }
  void rebuild() {
    link = std::make_unique<InverterLink>(client, map, faults, options, clock, log);
  }
};

const Point* find(const PollReport& r, const std::string& name) {
  for (const auto& g : r.groups) {
    for (const auto& p : g.update.fresh) {
      if (p.name == name) return &p;
    }
  }
  return nullptr;
}

const PointIssue* issue(const PollReport& r, const std::string& name, bool invalid) {
  for (const auto& g : r.groups) {
    const auto& list = invalid ? g.update.invalid : g.update.stale;
    for (const auto& i : list) {
      if (i.name == name) return &i;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a poll reads the identity first, then the group, in planned blocks", "[unit][link]") {
  Rig rig;
  auto r = rig.link->poll(Group::kLive);
  REQUIRE(r.groups.size() == 2);
  CHECK(r.groups[0].group == Group::kIdentity);
  CHECK(r.state == LinkState::kOnline);
  REQUIRE(r.transition);
  CHECK(rig.link->identity().protocol_raw == 208);
  CHECK(rig.link->identity().serial == "SN123");
  REQUIRE(find(r, "battery.current"));
  CHECK(std::get<double>(find(r, "battery.current")->value) == Approx(49.9));
  CHECK(std::get<double>(find(r, "grid.l2.voltage")->value) == Approx(100.7));
  for (const auto& [address, count] : rig.client.reads)
    CHECK(count <= 32);
  // The second poll does not re-read the identity.
  rig.client.reads.clear();
  auto r2 = rig.link->poll(Group::kLive);
  CHECK(r2.groups.size() == 1);
  CHECK(rig.client.reads.size() == 4);
}

TEST_CASE("settings decode with the factor from E003", "[unit][link]") {
  Rig rig;
  auto r = rig.link->poll(Group::kSettings);
  CHECK(std::get<double>(find(r, "setting.p09")->value) == Approx(57.6));
  CHECK(std::get<double>(find(r, "setting.p07")->value) == Approx(60.0));
  CHECK(std::get<std::string>(find(r, "setting.p41")->value) == "03:00");
}

TEST_CASE("with E003 unreadable, normalised voltages are invalid, not guessed", "[unit][link]") {
  Rig rig;
  rig.client.holes.insert(0xE003);
  auto r = rig.link->poll(Group::kSettings);
  CHECK(find(r, "setting.p09") == nullptr);
  REQUIRE(issue(r, "setting.p09", true));
  CHECK(issue(r, "setting.p09", true)->reason.find("E003") != std::string::npos);
  CHECK(find(r, "setting.p07") != nullptr);
}

TEST_CASE("rows newer than the device's protocol version are not read", "[unit][link]") {
  Rig rig;
  rig.client.registers[0x001C] = 192;  // V1.92: no battery temperature (1.94), no SOH (1.98)
  auto r = rig.link->poll(Group::kLive);
  REQUIRE(issue(r, "battery.temperature", true));
  CHECK(issue(r, "battery.temperature", true)->reason.find("V1.94") != std::string::npos);
  REQUIRE(issue(r, "battery.soh", true));
  CHECK(find(r, "battery.soc") != nullptr);
  // 0x0103-0x0106 are not requested: the plan reads 0x0100-0x0102 and 0x0107.. separately.
  for (const auto& [address, count] : rig.client.reads) {
    CHECK_FALSE((address <= 0x0103 && address + count > 0x0103));
  }
}

TEST_CASE("retryable errors are retried, exceptions are not", "[unit][link]") {
  Rig rig;
  (void)rig.link->poll(Group::kIdentity);
  rig.client.next_errors = {Error::timeout(), Error::crc()};
  auto r = rig.link->poll(Group::kLive);
  CHECK(r.state == LinkState::kOnline);
  CHECK(rig.link->stats().retries == 2);
  CHECK(rig.link->stats().timeouts == 1);
  CHECK(rig.link->stats().crc_errors == 1);
  CHECK(find(r, "battery.soc") != nullptr);

  rig.client.next_errors = {Error::exception(0x04)};
  rig.client.reads.clear();
  auto r2 = rig.link->poll(Group::kLive);
  CHECK(rig.client.reads.size() == 4);  // no retry of the failed block
  CHECK(issue(r2, "battery.soc", false) != nullptr);
  CHECK(issue(r2, "battery.soc", false)->reason.find("0x04") != std::string::npos);
  CHECK(r2.state == LinkState::kOnline);  // the device answered: the link works
}

TEST_CASE("exception 02 bisects once and the plan narrows until it stops", "[unit][link]") {
  Rig rig;
  rig.client.holes = {0x0208, 0x0209, 0x020A, 0x020B};  // between fault codes and the clock
  (void)rig.link->poll(Group::kIdentity);
  rig.client.reads.clear();
  auto first = rig.link->poll(Group::kLive);
  // The failing 0x0204 block was split at once; the half without the hole was read, the other
  // half is stale (not invalid) until the plan has narrowed.
  CHECK(find(first, "grid.l1.current") != nullptr);
  CHECK(issue(first, "grid.l1.voltage", false) != nullptr);
  std::size_t exceptions_before = 0;
  for (int cycle = 0; cycle < 6; ++cycle) {
    exceptions_before = rig.link->stats().exceptions;
    (void)rig.link->poll(Group::kLive);
    if (rig.link->stats().exceptions == exceptions_before) break;
  }
  // Converged: a cycle without any exception, every row of the block readable, nothing lost.
  auto settled = rig.link->poll(Group::kLive);
  CHECK(rig.link->stats().exceptions == exceptions_before);
  CHECK(find(settled, "inverter.faults") != nullptr);
  CHECK(find(settled, "inverter.clock") != nullptr);
  CHECK(find(settled, "inverter.state") != nullptr);
  for (const auto& g : settled.groups)
    CHECK(g.update.invalid.empty());
  CHECK_FALSE(rig.link->memory().breaks().empty());
  CHECK(rig.link->memory().unsupported().empty());
}

TEST_CASE("a single row that answers 02 is remembered as unsupported", "[unit][link]") {
  Rig rig;
  rig.client.holes = {0x0223};  // ambient temperature (confidence D)
  for (int i = 0; i < 8; ++i)
    (void)rig.link->poll(Group::kLive);
  CHECK(rig.link->memory().unsupported().count(0x0223) == 1);
  rig.client.reads.clear();
  auto r = rig.link->poll(Group::kLive);
  REQUIRE(issue(r, "inverter.temp.ambient", true));
  CHECK(issue(r, "inverter.temp.ambient", true)->reason.find("not implemented") !=
        std::string::npos);
  for (const auto& [address, count] : rig.client.reads) {
    CHECK_FALSE((address <= 0x0223 && address + count > 0x0223));
  }
  CHECK(find(r, "inverter.temp.transformer") != nullptr);
  CHECK(find(r, "battery.pv_charge_current") != nullptr);
}

TEST_CASE("a silent device: fail fast, degraded, then offline with back-off", "[unit][link]") {
  Rig rig;
  (void)rig.link->poll(Group::kLive);
  for (int i = 0; i < 30; ++i)
    rig.client.next_errors.push_back(Error::timeout());
  rig.client.reads.clear();
  auto r1 = rig.link->poll(Group::kLive);
  CHECK(rig.client.reads.size() == 3);  // one block, three attempts; the rest skipped
  CHECK(r1.state == LinkState::kDegraded);
  REQUIRE(issue(r1, "energy.pv.total", false));
  CHECK(issue(r1, "energy.pv.total", false)->reason.find("skipped") != std::string::npos);
  CHECK(rig.link->poll(Group::kLive).state == LinkState::kDegraded);
  auto r3 = rig.link->poll(Group::kLive);
  CHECK(r3.state == LinkState::kOffline);
  CHECK_FALSE(rig.client.is_open());  // closed so the next attempt reopens it
  // Inside the back-off nothing touches the bus and everything is stale.
  rig.client.reads.clear();
  auto skipped = rig.link->poll(Group::kLive);
  CHECK_FALSE(skipped.attempted);
  CHECK(rig.client.reads.empty());
  REQUIRE(issue(skipped, "battery.soc", false));
  rig.client.next_errors.clear();
  rig.clock.advance(1100ms);
  auto back = rig.link->poll(Group::kLive);
  CHECK(back.state == LinkState::kOnline);
  CHECK(rig.client.opens == 2);
  CHECK(back.groups.front().group == Group::kIdentity);  // identity re-read after reopening
  // Transitions were logged once each.
  CHECK(std::count_if(rig.logs.begin(), rig.logs.end(), [](const std::string& l) {
          return l.find("-> offline") != std::string::npos;
        }) == 1);
}

namespace {

// The first difference between two reports, or "" when they say the same.
std::string difference(const PollReport& a, const PollReport& b) {
  if (a.groups.size() != b.groups.size()) return "number of groups";
  for (std::size_t g = 0; g < a.groups.size(); ++g) {
    const PointUpdate& x = a.groups[g].update;
    const PointUpdate& y = b.groups[g].update;
    if (a.groups[g].group != b.groups[g].group) return "group " + std::to_string(g);
    if (x.fresh.size() != y.fresh.size()) return "number of fresh points";
    for (std::size_t i = 0; i < x.fresh.size(); ++i) {
      const Point& p = x.fresh[i];
      const Point& q = y.fresh[i];
      if (p.name != q.name || p.value != q.value || p.unit != q.unit || p.quality != q.quality ||
          p.ts != q.ts || p.note != q.note || p.decimals != q.decimals) {
        return "fresh point " + p.name + " / " + q.name;
      }
    }
    const auto same_issues = [](const std::vector<PointIssue>& u,
                                const std::vector<PointIssue>& v) {
      if (u.size() != v.size()) return false;
      for (std::size_t i = 0; i < u.size(); ++i) {
        if (u[i].name != v[i].name || u[i].reason != v[i].reason || u[i].unit != v[i].unit) {
          return false;
        }
      }
      return true;
    };
    if (!same_issues(x.stale, y.stale)) return "stale points";
    if (!same_issues(x.invalid, y.invalid)) return "invalid points";
    if (x.max_age != y.max_age) return "max age";
  }
  if (a.state != b.state) return "state";
  if (a.transition.has_value() != b.transition.has_value()) return "transition";
  if (a.attempted != b.attempted) return "attempted";
  if (a.outcome.succeeded != b.outcome.succeeded || a.outcome.failed != b.outcome.failed ||
      a.outcome.port_lost != b.outcome.port_lost || a.outcome.last_error != b.outcome.last_error) {
    return "outcome";
  }
  if (a.learned.has_value() != b.learned.has_value()) return "learned";
  if (a.started != b.started || a.finished != b.finished) return "times";
  return "";
}

}  // namespace

TEST_CASE("a report kept from one poll to the next says what a new one would", "[unit][link]") {
  // Two identical links on identical fakes: one writes into the same report every time (as
  // the daemon does), the other returns a new report every time.
  Rig kept_rig, new_rig;
  PollReport kept;
  std::vector<std::string> differences;
  // The kept report's points go to a store by their keys; the new reports' by name alone.
  domain::PointStore by_key, by_name;
  const auto both = [&](Group group) {
    kept.groups.push_back({Group::kSettings, {}});  // leftovers must not survive a poll
    kept.groups.front().update.max_age = 5s;
    kept_rig.link->poll(group, kept);
    const PollReport fresh = new_rig.link->poll(group);
    differences.push_back(difference(kept, fresh));
    for (const auto& g : kept.groups) {
      CHECK(g.update.keyed());
      by_key.apply(g.update);
    }
    for (const auto& g : fresh.groups) {
      PointUpdate names_only = g.update;
      names_only.fresh_keys.clear();
      by_name.apply(names_only);
    }
    const WallTime now = kept_rig.clock.wall_now();
    const auto a = by_key.snapshot(now);
    const auto b = by_name.snapshot(now);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      INFO(a[i].name);
      CHECK((a[i].name == b[i].name && a[i].value == b[i].value && a[i].unit == b[i].unit &&
             a[i].quality == b[i].quality && a[i].note == b[i].note));
    }
  };
  const auto on_both = [&](const std::function<void(Rig&)>& change) {
    change(kept_rig);
    change(new_rig);
  };
  both(Group::kLive);      // identity + live
  both(Group::kLive);      // live only: fewer groups than the report holds
  both(Group::kSettings);  // another group into the same report
  on_both([](Rig& r) { r.client.registers[0x0100] = 64; });  // SOC changes
  both(Group::kLive);
  REQUIRE(find(kept, "battery.soc"));
  CHECK(std::get<double>(find(kept, "battery.soc")->value) == 64);
  // A silent device: stale points, skipped blocks, then offline inside the back-off.
  on_both([](Rig& r) {
    for (int i = 0; i < 30; ++i)
      r.client.next_errors.push_back(Error::timeout());
  });
  for (int i = 0; i < 4; ++i)
    both(Group::kLive);
  CHECK_FALSE(kept.attempted);
  CHECK(kept.groups.size() == 1);
  // A consumer that emptied a group's points: its keys no longer match and are not used.
  kept.groups.front().update.fresh.clear();
  CHECK(kept.groups.front().update.fresh.empty());
  CHECK_FALSE(kept.groups.front().update.stale.empty());
  // Back: the identity again, then values.
  on_both([](Rig& r) {
    r.client.next_errors.clear();
    r.clock.advance(1100ms);
  });
  both(Group::kLive);
  CHECK(kept.state == LinkState::kOnline);
  CHECK(kept.groups.size() == 2);
  both(Group::kLive);
  for (std::size_t i = 0; i < differences.size(); ++i) {
    INFO("poll " << i);
    CHECK(differences[i].empty());
  }
  CHECK(differences.size() == 10);
}

TEST_CASE("an unplugged port is offline at once and reopened later", "[unit][link]") {
  Rig rig;
  (void)rig.link->poll(Group::kLive);
  rig.client.next_errors = {Error::disconnected("gone", 5)};
  auto r = rig.link->poll(Group::kLive);
  CHECK(r.state == LinkState::kOffline);
  CHECK(r.outcome.port_lost);
  rig.client.open_error = Error::disconnected("no such device", 2);
  rig.clock.advance(1100ms);
  CHECK(rig.link->poll(Group::kLive).state == LinkState::kOffline);
  rig.client.open_error.reset();
  rig.clock.advance(2100ms);
  CHECK(rig.link->poll(Group::kLive).state == LinkState::kOnline);
}

TEST_CASE("the clock skew is the inverter clock minus the system clock", "[unit][link]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  Rig rig;
  // 2026-11-22 14:00:00 JST = 05:00:00 UTC
  rig.clock.set_wall(*parse_iso8601_utc("2026-11-22T05:00:00.000Z"));
  rig.set_inverter_clock({2026, 11, 22, 14, 1, 30});  // 90 s ahead
  auto r = rig.link->poll(Group::kLive);
  REQUIRE(find(r, "inverter.clock_skew"));
  CHECK(std::get<double>(find(r, "inverter.clock_skew")->value) == 90.0);
  CHECK(std::get<std::string>(find(r, "inverter.clock")->value) == "2026-11-22 14:01:30");
}

TEST_CASE("the clock skew counts the fraction of a second and crosses midnight", "[unit][link]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  Rig rig;
  // Read at 2026-11-23 00:00:10.600 JST; the inverter shows 2026-11-22 23:59:50: 20.6 s behind.
  rig.clock.set_wall(*parse_iso8601_utc("2026-11-22T15:00:10.600Z"));
  rig.set_inverter_clock({2026, 11, 22, 23, 59, 50});
  auto r = rig.link->poll(Group::kLive);
  REQUIRE(find(r, "inverter.clock_skew"));
  CHECK(std::get<double>(find(r, "inverter.clock_skew")->value) == -21.0);
  // February 30th is not a time: no skew, and the reason.
  rig.set_inverter_clock({2026, 2, 30, 12, 0, 0});
  r = rig.link->poll(Group::kLive);
  CHECK_FALSE(find(r, "inverter.clock_skew"));
  REQUIRE(issue(r, "inverter.clock_skew", true));
  CHECK(issue(r, "inverter.clock_skew", true)->reason ==
        "inverter clock is not a valid local time");
  // A leap day is.
  rig.set_inverter_clock({2028, 2, 29, 12, 0, 0});
  CHECK(find(rig.link->poll(Group::kLive), "inverter.clock_skew"));
}

TEST_CASE("the clock skew follows a daylight-saving change in the site's zone", "[unit][link]") {
  // The offset is looked up once a minute, not once per read: a read after the change must not
  // use the offset from before it. Central Europe moves from UTC+1 to UTC+2 on 2026-03-29 at
  // 01:00 UTC.
  REQUIRE(set_process_timezone("Europe/Berlin").ok());
  Rig rig;
  rig.clock.set_wall(*parse_iso8601_utc("2026-03-29T00:59:30.000Z"));  // 01:59:30 local, +1
  rig.set_inverter_clock({2026, 3, 29, 1, 59, 40});
  auto r = rig.link->poll(Group::kLive);
  REQUIRE(find(r, "inverter.clock_skew"));
  CHECK(std::get<double>(find(r, "inverter.clock_skew")->value) == 10.0);
  rig.clock.set_wall(*parse_iso8601_utc("2026-03-29T01:00:30.000Z"));  // 03:00:30 local, +2
  rig.set_inverter_clock({2026, 3, 29, 3, 0, 25});
  r = rig.link->poll(Group::kLive);
  REQUIRE(find(r, "inverter.clock_skew"));
  CHECK(std::get<double>(find(r, "inverter.clock_skew")->value) == -5.0);
  // An inverter left on winter time is an hour behind.
  rig.clock.set_wall(*parse_iso8601_utc("2026-03-29T01:00:50.000Z"));  // same minute as above
  rig.set_inverter_clock({2026, 3, 29, 2, 0, 50});
  r = rig.link->poll(Group::kLive);
  CHECK(std::get<double>(find(r, "inverter.clock_skew")->value) == -3600.0);
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
}

TEST_CASE("a reply shorter than its block is malformed, never sliced", "[unit][link]") {
  // The rows are cut out of the reply by address: a client that answers fewer registers than
  // asked must not let the last rows be read past its end.
  Rig rig;
  (void)rig.link->poll(Group::kIdentity);
  const auto malformed_before = rig.link->stats().malformed;
  rig.client.short_replies = 1 + 2;  // the first live block and both of its retries
  auto r = rig.link->poll(Group::kLive);
  const auto first = rig.link->plan(Group::kLive).front();
  REQUIRE_FALSE(first.rows.empty());
  const PointIssue* stale = issue(r, first.rows.front()->name, false);
  REQUIRE(stale);
  CHECK(stale->reason.find("registers for a read of") != std::string::npos);
  CHECK_FALSE(find(r, first.rows.front()->name));
  CHECK(rig.link->stats().malformed > malformed_before);
  // The next poll reads it whole again.
  r = rig.link->poll(Group::kLive);
  CHECK(find(r, first.rows.front()->name));
}

TEST_CASE("points come out in the plan's order, a split block's halves in their place",
          "[unit][link]") {
  Rig rig;
  (void)rig.link->poll(Group::kIdentity);
  const auto blocks = rig.link->plan(Group::kLive);
  // The rows of the plan, in order.
  std::vector<std::string> planned;
  for (const auto& b : blocks) {
    for (const auto* row : b.rows)
      planned.push_back(row->name);
  }
  // Where each fresh point's row is in the plan: the positions only ever grow.
  const auto in_plan_order = [&](const PollReport& r) {
    std::ptrdiff_t last = -1;
    std::size_t seen = 0;
    for (const auto& g : r.groups) {
      for (const auto& p : g.update.fresh) {
        const auto at = std::find(planned.begin(), planned.end(), p.name);
        if (at == planned.end()) continue;  // the skew, computed beside the clock
        if (at - planned.begin() <= last) return false;
        last = at - planned.begin();
        ++seen;
      }
    }
    return seen > 0;
  };
  CHECK(in_plan_order(rig.link->poll(Group::kLive)));
  // The block with the fault codes and the clock answers exception 02 and is split: the half
  // that answers comes after the blocks read before it and before those read after it.
  rig.client.holes = {0x0208, 0x0209, 0x020A, 0x020B};
  auto split = rig.link->poll(Group::kLive);
  REQUIRE(find(split, "grid.l1.current"));
  REQUIRE(find(split, "battery.soc"));
  REQUIRE(find(split, "grid.l2.voltage"));
  CHECK(in_plan_order(split));
}

TEST_CASE("each point carries the time its own block was read", "[unit][link]") {
  Rig rig;
  (void)rig.link->poll(Group::kIdentity);
  const auto blocks = rig.link->plan(Group::kLive);
  REQUIRE(blocks.size() >= 2);
  // Every read takes a second: block k answers k + 1 seconds after the poll began.
  const WallTime began = rig.clock.wall_now();
  rig.client.after_read = [&] { rig.clock.advance(1s); };
  const auto report = rig.link->poll(Group::kLive);
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    for (const auto* row : blocks[k].rows) {
      INFO(row->name << " in block " << k);
      const Point* p = find(report, row->name);
      REQUIRE(p != nullptr);  // every planned row decodes in this rig
      CHECK(p->ts == began + std::chrono::seconds(k + 1));
    }
  }
  const Point* skew = find(report, "inverter.clock_skew");
  const Point* clock = find(report, "inverter.clock");
  REQUIRE(skew);
  REQUIRE(clock);
  CHECK(skew->ts == clock->ts);
  CHECK(report.finished == began + std::chrono::seconds(blocks.size()));
}

TEST_CASE("writes are never repeated on a timeout", "[unit][link]") {
  Rig rig;
  (void)rig.link->poll(Group::kIdentity);
  rig.client.next_errors = {Error::timeout()};
  std::vector<std::uint16_t> v = {450};
  auto s = rig.link->write_registers(0xE020, v);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == ErrorKind::kTimeout);
  CHECK(rig.client.writes.empty());
  CHECK(rig.link->write_registers(0xE020, v).ok());
  CHECK(rig.client.writes.size() == 1);
}

TEST_CASE("the survey reads identity and the verification list with raw values", "[unit][link]") {
  Rig rig;
  rig.client.registers[0xE21B] = 8;  // a firmware whose protocol list is 1-based
  auto s = survey(*rig.link, rig.map);
  REQUIRE(s.verification.size() == 18);
  CHECK(s.verification.front().row->lcd == "01");
  bool saw_09 = false, saw_33 = false;
  for (const auto& r : s.verification) {
    if (r.row->lcd == "09") {
      saw_09 = true;
      CHECK(r.raw == std::vector<std::uint16_t>{144});
      CHECK(r.note.find("12 V-normalised") != std::string::npos);
    }
    if (r.row->lcd == "33") {
      saw_33 = true;
      CHECK(r.note.find("numbers the protocol list from 1") != std::string::npos);
    }
  }
  CHECK(saw_09);
  CHECK(saw_33);
}

TEST_CASE("a partly read identity is read again until it is complete", "[unit][link]") {
  Rig rig;
  rig.client.timeouts_at[0xE003] = 3;  // every attempt of the first cycle (retries = 2)
  auto first = rig.link->poll(Group::kSettings);
  CHECK(rig.link->identity().serial == "SN123");  // 0x0035.. answered
  CHECK_FALSE(rig.link->identity().rated_voltage_raw);
  REQUIRE(issue(first, "setting.p09", true));  // normalised voltages unknown, not guessed
  auto second = rig.link->poll(Group::kSettings);
  REQUIRE(second.groups.size() == 2);  // the identity again, then the settings
  CHECK(second.groups[0].group == Group::kIdentity);
  CHECK(rig.link->identity().rated_voltage_raw == 48);
  REQUIRE(find(second, "setting.p09"));
  CHECK(std::get<double>(find(second, "setting.p09")->value) == Approx(57.6));
  auto third = rig.link->poll(Group::kSettings);
  CHECK(third.groups.size() == 1);  // complete now: not read again
}

TEST_CASE("learned holes are kept per firmware and not probed again by the next run",
          "[unit][link]") {
  Rig rig;
  rig.client.registers[0x0014] = 208;  // CPU1 firmware V2.08
  rig.client.holes = {0x0223};
  std::optional<std::pair<std::string, LearnedHoles>> learned;
  for (int i = 0; i < 8; ++i) {
    auto r = rig.link->poll(Group::kLive);
    if (r.learned) learned = r.learned;
  }
  REQUIRE(learned);
  CHECK(learned->first == "cpu1 V2.08 protocol V2.08");
  CHECK(learned->second.unsupported.count(0x0223) == 1);
  CHECK(rig.link->poll(Group::kLive).learned == std::nullopt);  // reported once, when it changes

  // The next run (a new link) starts from what was kept: no exception 02 at all.
  rig.rebuild();
  rig.link->set_known_holes({{learned->first, learned->second}});
  const auto exceptions = rig.link->stats().exceptions;
  auto r = rig.link->poll(Group::kLive);
  CHECK(rig.link->stats().exceptions == exceptions);
  REQUIRE(issue(r, "inverter.temp.ambient", true));
  CHECK_FALSE(r.learned);

  // Another firmware does not inherit them.
  rig.client.registers[0x0014] = 209;
  rig.client.holes.clear();
  rig.rebuild();
  rig.link->set_known_holes({{learned->first, learned->second}});
  auto other = rig.link->poll(Group::kLive);
  CHECK(find(other, "inverter.temp.ambient") != nullptr);
  CHECK(rig.link->memory().unsupported().empty());
}
