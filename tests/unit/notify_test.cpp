// SPDX-License-Identifier: Apache-2.0
// Notifications: grouped, a flapping kind counted, at most so many an hour, retried with a
// growing wait; the hook's JSON; running a program with a bound.
#include <atomic>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>

#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/run_program.hpp"
#include "sunbridge/adapters/settings_store.hpp"
#include "sunbridge/app/notification_service.hpp"
#include "sunbridge/domain/notify_batcher.hpp"
#include "testkit/process.hpp"

using namespace sb;
using namespace sb::domain;
using namespace std::chrono_literals;

namespace {

const WallTime t0 = WallTime{} + std::chrono::hours(24 * 20000);

Event ev(WallTime ts, const std::string& kind, Severity s = Severity::kWarning) {
  return {ts, kind, s, kind + " at " + std::to_string((ts - t0) / 1s) + " s", {}};
}

// E-mail that fails or goes out, as told, and keeps what went out. `delay`: how long a message
// takes (the sending thread's time).
class FakeMail final : public adapters::Outbound {
 public:
  explicit FakeMail(bool works, std::chrono::milliseconds delay = 0ms)
      : works_(works), delay_(delay) {}
  Result<std::string> get(const std::string&, const adapters::HttpOptions&) override {
    return Error::invalid("no web here");
  }
  Status mail(const adapters::EmailConfig&, const adapters::MailMessage& message,
              WallTime) override {
    std::this_thread::sleep_for(delay_);
    ++tries_;
    if (!works_) return Error::io(0, "the server is down");
    std::lock_guard<std::mutex> lock(mutex_);
    sent_.push_back(message.subject + "\n" + message.text);
    return {};
  }
  int tries() const { return tries_; }
  std::vector<std::string> sent() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return sent_;
  }

 private:
  bool works_;
  std::chrono::milliseconds delay_;
  std::atomic<int> tries_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> sent_;
};

// The loop run until `done`, at most `limit`.
template <typename Done>
bool run_until(EventLoop& loop, Done done, std::chrono::milliseconds limit = 5000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    loop.run_once(10ms);
  }
  return true;
}

NotifyPolicy policy() {
  NotifyPolicy p;
  p.group = 120s;
  p.max_per_hour = 3;
  p.retry_min = 60s;
  p.retry_max = 240s;
  return p;
}

}  // namespace

TEST_CASE("events are grouped for the group time, a flapping kind is one line with a count",
          "[unit][notify]") {
  NotifyBatcher b(policy());
  CHECK_FALSE(b.add(ev(t0, "kpi.night_charge", Severity::kInfo)));  // below the threshold
  CHECK_FALSE(b.next_due());
  CHECK(b.add(ev(t0, "pq.dip")));
  CHECK(b.add(ev(t0 + 10s, "pq.dip.ended", Severity::kInfo)) == false);
  for (int i = 1; i <= 4; ++i)
    b.add(ev(t0 + std::chrono::seconds(20 * i), "pq.dip"));
  b.add(ev(t0 + 30s, "thermal.battery"));
  CHECK(b.next_due() == t0 + 120s);
  CHECK_FALSE(b.take(t0 + 119s));
  auto batch = b.take(t0 + 120s);
  REQUIRE(batch);
  REQUIRE(batch->entries.size() == 2);
  CHECK(batch->entries[0].kind == "pq.dip");
  CHECK(batch->entries[0].count == 5);
  CHECK(batch->entries[0].first == t0);
  CHECK(batch->entries[0].last == t0 + 80s);
  CHECK(batch->entries[0].last_message == "pq.dip at 80 s");
  CHECK(batch->events() == 6);
  b.sent();
  CHECK_FALSE(b.waiting());

  const auto text = notify_text(*batch, "takamatsu");
  CHECK(text.subject == "sunbridge takamatsu: warning: 6 events");
  CHECK(text.body.find("5 times until") != std::string::npos);
  const auto j = app::notify_json(*batch, "takamatsu");
  CHECK(j["events"][0]["count"] == 5);
  CHECK(j["events"][1]["kind"] == "thermal.battery");
  CHECK(j["severity"] == "warning");
}

TEST_CASE("a critical event goes out without waiting for the group", "[unit][notify]") {
  NotifyBatcher b(policy());
  b.add(ev(t0, "grid.outage", Severity::kCritical));
  auto batch = b.take(t0);
  REQUIRE(batch);
  CHECK(notify_text(*batch, "x").subject == "sunbridge x: critical: grid.outage at 0 s");
}

TEST_CASE("at most max_per_hour messages: the rest wait and go out together", "[unit][notify]") {
  NotifyPolicy p = policy();
  p.group = 0s;
  NotifyBatcher b(p);
  int sent = 0;
  WallTime now = t0;
  // A condition that flaps every 5 minutes for two hours: 24 events.
  for (int i = 0; i < 24; ++i, now += 5min) {
    b.add(ev(now, "pq.swell"));
    if (auto batch = b.take(now)) {
      ++sent;
      b.sent();
    }
  }
  // Three in the first hour, three in the second (the limit slides with the sends).
  CHECK(sent == 6);
  REQUIRE(b.waiting());
  const auto due = b.next_due();
  REQUIRE(due);
  auto batch = b.take(*due);
  REQUIRE(batch);
  CHECK(batch->entries.size() == 1);
  CHECK(batch->events() > 1);  // the waiting events together
}

TEST_CASE("a failed send is retried with a doubling wait, and what came since joins it",
          "[unit][notify]") {
  NotifyPolicy p = policy();
  p.group = 0s;
  NotifyBatcher b(p);
  b.add(ev(t0, "pq.dip"));
  auto batch = b.take(t0);
  REQUIRE(batch);
  b.failed(std::move(*batch), t0);
  b.add(ev(t0 + 10s, "thermal.inverter"));
  CHECK(b.next_due() == t0 + 60s);
  CHECK_FALSE(b.take(t0 + 59s));
  batch = b.take(t0 + 60s);
  REQUIRE(batch);
  CHECK(batch->entries.size() == 2);
  CHECK(batch->entries[0].kind == "pq.dip");  // the older event first
  b.failed(std::move(*batch), t0 + 60s);
  CHECK(b.next_due() == t0 + 180s);  // 120 s
  batch = b.take(t0 + 180s);
  b.failed(std::move(*batch), t0 + 180s);
  CHECK(b.next_due() == t0 + 420s);  // 240 s: the maximum
  batch = b.take(t0 + 420s);
  b.failed(std::move(*batch), t0 + 420s);
  CHECK(b.next_due() == t0 + 660s);  // still 240 s
  batch = b.take(t0 + 660s);
  REQUIRE(batch);
  CHECK(batch->events() == 2);  // nothing lost, nothing doubled
  b.sent();
  b.add(ev(t0 + 700s, "pq.dip"));
  CHECK(b.next_due() == t0 + 700s);  // the wait is over after a success
}

TEST_CASE("more kinds than a message holds are counted, not listed", "[unit][notify]") {
  NotifyPolicy p = policy();
  p.max_kinds = 2;
  NotifyBatcher b(p);
  for (int i = 0; i < 5; ++i)
    b.add(ev(t0, "kind." + std::to_string(i)));
  auto batch = b.take(t0 + 120s);
  REQUIRE(batch);
  CHECK(batch->entries.size() == 2);
  CHECK(batch->left_out == 3);
  CHECK(notify_text(*batch, "x").body.find("3 more events") != std::string::npos);
}

TEST_CASE("a program gets its input, and its exit status and output come back", "[unit][notify]") {
  auto run = adapters::run_program({"/bin/sh", "-c", "cat; echo oops >&2; exit 3"}, "hello\n", 10s);
  REQUIRE(run.ok());
  CHECK(run->exit_status == 3);
  CHECK(run->output == "hello\n");
  CHECK(adapters::describe_failure({"hook"}, *run) == "hook failed (exit status 3): oops");

  // A program that does not read a large input does not stall the caller.
  run = adapters::run_program({"/bin/true"}, std::string(1 << 20, 'x'), 10s);
  REQUIRE(run.ok());
  CHECK(run->exit_status == 0);

  auto missing = adapters::run_program({"/nonexistent/hook"}, "", 10s);
  REQUIRE(!missing.ok());
  CHECK(missing.error().kind == ErrorKind::kInvalid);
  auto not_found = adapters::run_program({"/bin/sh", "-c", "no-such-command-here"}, "", 10s);
  REQUIRE(!not_found.ok());
  CHECK(not_found.error().detail.find("not found") != std::string::npos);

  const auto start = std::chrono::steady_clock::now();
  auto slow = adapters::run_program({"/bin/sleep", "30"}, "", 300ms);
  REQUIRE(!slow.ok());
  CHECK(slow.error().kind == ErrorKind::kTimeout);
  CHECK(std::chrono::steady_clock::now() - start < 10s);
}

TEST_CASE("events kept across a stop wait like new ones and join what came since",
          "[unit][notify]") {
  NotifyBatcher before(policy());
  before.add(ev(t0, "pq.dip"));
  before.add(ev(t0 + 5s, "pq.dip"));
  NotifyBatch kept = before.pending();
  CHECK(kept.events() == 2);

  NotifyBatcher after(policy());
  after.restore(kept, t0 + 1h);
  CHECK(after.next_due() == t0 + 1h + 120s);  // the group time, from the start
  after.add(ev(t0 + 1h + 10s, "pq.dip"));
  after.add(ev(t0 + 1h + 20s, "thermal.battery"));
  auto batch = after.take(t0 + 1h + 120s);
  REQUIRE(batch);
  REQUIRE(batch->entries.size() == 2);
  CHECK(batch->entries[0].kind == "pq.dip");
  CHECK(batch->entries[0].count == 3);
  CHECK(batch->entries[0].first == t0);  // the time it happened, not the restart's
  CHECK(batch->entries[0].last == t0 + 1h + 10s);

  NotifyBatcher urgent(policy());
  NotifyBatch critical;
  critical.entries.push_back({"grid.outage", Severity::kCritical, "out", "out", t0, t0, 1});
  urgent.restore(critical, t0 + 1h);
  CHECK(urgent.next_due() == t0 + 1h);  // a critical one does not wait

  NotifyBatcher nothing(policy());
  nothing.restore(NotifyBatch{}, t0);
  CHECK_FALSE(nothing.next_due());
}

TEST_CASE("messages sent before a stop count against the hourly limit after it", "[unit][notify]") {
  NotifyPolicy p = policy();
  p.group = 0s;
  p.max_per_hour = 2;
  NotifyBatcher b(p);
  // One within the hour, one older than it, one stamped an hour ahead (the clock was set back).
  b.restore_sent({t0 - 30min, t0 - 2h, t0 + 1h}, t0);
  CHECK(b.sent_in_last_hour(t0) == std::vector<WallTime>{t0 - 30min, t0});
  b.add(ev(t0, "pq.dip"));
  CHECK(b.next_due() == t0 + 30min);  // the limit is full until the older one is an hour old
  CHECK_FALSE(b.take(t0 + 29min));
  CHECK(b.take(t0 + 30min));
  CHECK(b.sent_in_last_hour(t0 + 30min) == std::vector<WallTime>{t0, t0 + 30min});
}

TEST_CASE(
    "notifications not sent before a stop are sent after it: waiting for a retry, or in flight",
    "[unit][notify]") {
  testkit::TempDir dir;
  adapters::HistoryStore history{dir.file("h.db")};
  ManualClock clock{t0};
  Logger log{LogLevel::kError, [](LogLevel, std::string_view, std::string_view) {}};
  EventLoop loop;
  adapters::EmailConfig email;
  email.enabled = true;
  email.url = "smtp://127.0.0.1:2525";
  email.to = {"owner@example.com"};
  adapters::NotifyConfig notify;
  notify.group = 0s;
  const auto stored = [&] {
    auto got = adapters::SettingsStore(history.db()).get("notify.unsent");
    REQUIRE(got);
    return *got;
  };
  // A daemon that sends one message at t0 and stops.
  const auto send_one_and_stop = [&](FakeMail& mail) {
    app::NotificationService service(email, notify, "takamatsu", loop, clock, log, mail,
                                     history.db());
    service.on_event(ev(t0, "pq.dip"));
    REQUIRE(run_until(loop, [&] { return mail.sent().size() == 1; }));
    loop.run_once(50ms);  // the outcome
  };
  // Events kept in the store, waiting or in flight.
  const auto events_stored = [&] {
    const auto unsent = stored();
    std::size_t n = 0;
    for (const char* part : {"pending", "in_flight"}) {
      if (unsent && unsent->contains(part)) n += unsent->at(part).at("entries").size();
    }
    return n;
  };

  SECTION("the server down: the event waits for a retry when the daemon stops") {
    {
      FakeMail down(false);
      app::NotificationService service(email, notify, "takamatsu", loop, clock, log, down,
                                       history.db());
      service.on_event(ev(t0, "pq.dip"));
      REQUIRE(stored().has_value());  // kept before anything is tried
      REQUIRE(run_until(loop, [&] { return down.tries() == 1; }));
      loop.run_once(50ms);  // the outcome
    }
    REQUIRE(stored().has_value());
    FakeMail up(true);
    clock.advance(1h);
    app::NotificationService service(email, notify, "takamatsu", loop, clock, log, up,
                                     history.db());
    REQUIRE(run_until(loop, [&] { return up.sent().size() == 1; }));
    CHECK(up.sent()[0].find("pq.dip at 0 s") != std::string::npos);
    REQUIRE(run_until(loop, [&] { return events_stored() == 0; }));  // sent: forgotten
  }

  SECTION("stopped while the message is being sent: it goes again after the start") {
    {
      FakeMail slow(true, 300ms);
      app::NotificationService service(email, notify, "takamatsu", loop, clock, log, slow,
                                       history.db());
      service.on_event(ev(t0, "thermal.battery", Severity::kCritical));
      loop.run_once(50ms);  // handed to the sending thread
      // Stopped before the outcome is back on the loop.
    }
    REQUIRE(stored().has_value());
    FakeMail up(true);
    app::NotificationService service(email, notify, "takamatsu", loop, clock, log, up,
                                     history.db());
    REQUIRE(run_until(loop, [&] { return up.sent().size() == 1; }));
    CHECK(up.sent()[0].find("thermal.battery") != std::string::npos);
  }

  SECTION("nothing to send them to any more: dropped, not kept for ever") {
    {
      FakeMail down(false);
      app::NotificationService service(email, notify, "takamatsu", loop, clock, log, down,
                                       history.db());
      service.on_event(ev(t0, "pq.dip"));
    }
    REQUIRE(stored().has_value());
    FakeMail up(true);
    adapters::EmailConfig none;
    app::NotificationService service(none, notify, "takamatsu", loop, clock, log, up, history.db());
    CHECK_FALSE(stored().has_value());
    loop.run_once(50ms);
    CHECK(up.tries() == 0);
  }

  SECTION("an unreadable store: the readable entries still go") {
    nlohmann::json unsent = {{"pending",
                              {{"entries",
                                {{{"kind", "pq.dip"},
                                  {"severity", "warning"},
                                  {"count", 1},
                                  {"first_ms", 1000},
                                  {"last_ms", 1000},
                                  {"first_message", "a dip"},
                                  {"last_message", "a dip"}},
                                 {{"kind", "bad"}, {"severity", "loud"}},
                                 "not an entry",
                                 {{"kind", "bad.count"},
                                  {"severity", "warning"},
                                  {"count", -3},
                                  {"first_ms", 1000},
                                  {"last_ms", 1000},
                                  {"first_message", ""},
                                  {"last_message", ""}}}},
                               {"left_out", "many"}}},
                             {"in_flight", 7}};
    REQUIRE(adapters::SettingsStore(history.db()).put("notify.unsent", unsent, t0));
    FakeMail up(true);
    app::NotificationService service(email, notify, "takamatsu", loop, clock, log, up,
                                     history.db());
    REQUIRE(run_until(loop, [&] { return up.sent().size() == 1; }));
    CHECK(up.sent()[0].find("a dip") != std::string::npos);
    CHECK(up.sent()[0].find("bad") == std::string::npos);
  }

  SECTION(
      "the hourly limit holds across a stop: a daemon restarting over and over cannot "
      "flood the owner") {
    notify.max_per_hour = 1;
    FakeMail up(true);
    send_one_and_stop(up);
    REQUIRE(stored().has_value());  // nothing waits, but the hour's message is remembered
    CHECK(events_stored() == 0);
    clock.advance(10min);
    app::NotificationService service(email, notify, "takamatsu", loop, clock, log, up,
                                     history.db());
    service.on_event(ev(t0 + 10min, "grid.outage", Severity::kCritical));
    loop.run_once(300ms);
    CHECK(up.tries() == 1);  // the hour's one message went out before the stop
    clock.advance(50min);
    service.on_event(ev(t0 + 1h, "pq.dip"));  // looks again: the hour is over
    REQUIRE(run_until(loop, [&] { return up.sent().size() == 2; }));
    CHECK(up.sent()[1].find("grid.outage") != std::string::npos);
    loop.run_once(50ms);
  }

  SECTION("a clock set back after a stop holds the limit for an hour at most") {
    notify.max_per_hour = 1;
    FakeMail up(true);
    send_one_and_stop(up);
    // A gateway without a battery-backed clock can start a day behind: the message sent
    // "tomorrow" counts as sent now.
    clock.set_wall(t0 - 24h);
    app::NotificationService service(email, notify, "takamatsu", loop, clock, log, up,
                                     history.db());
    service.on_event(ev(t0 - 24h, "grid.outage", Severity::kCritical));
    loop.run_once(300ms);
    CHECK(up.tries() == 1);
    clock.advance(1h);
    service.on_event(ev(t0 - 23h, "pq.dip"));
    REQUIRE(run_until(loop, [&] { return up.sent().size() == 2; }));
    loop.run_once(50ms);
  }
}
