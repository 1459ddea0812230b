// SPDX-License-Identifier: Apache-2.0
// Whether the clock can be trusted: the kernel's verdict with the build-date bound, and the
// watch that turns changes into one event and a point (with a fake source that flips state).
#include <catch2/catch.hpp>

#include "sunbridge/app/time_watch.hpp"
#include "sunbridge/core/time_sync.hpp"

using namespace sb;
using namespace std::chrono_literals;

namespace {

class FlippingSource final : public TimeSyncSource {
 public:
  bool synced = false;
  [[nodiscard]] TimeSyncState read(WallTime /*now*/) const override {
    return {synced, "fake", synced ? "fake says synced" : "fake says not synced"};
  }
};

std::string point_text(domain::PointStore& points, WallTime now) {
  auto p = points.get("site.clock_synced", now);
  REQUIRE(p);
  return std::get<std::string>(p->value);
}

}  // namespace

TEST_CASE("the kernel's clock status, bounded by the build date", "[unit][time]") {
  const WallTime built{std::chrono::seconds(1'790'000'000)};
  const WallTime later = built + 24h * 30;
  CHECK(judge_kernel_sync(false, 0, later, built).synced);
  const auto unsync = judge_kernel_sync(true, 5, later, built);
  CHECK_FALSE(unsync.synced);
  CHECK(unsync.detail.find("not synchronised") != std::string::npos);
  CHECK(unsync.detail.find("time_source") != std::string::npos);  // says what to do about it
  // A Pi that booted at its last saved time, or 1970, is wrong whatever the kernel says.
  const auto early = judge_kernel_sync(false, 0, built - 1s, built);
  CHECK_FALSE(early.synced);
  CHECK(early.detail.find("before this program was built") != std::string::npos);
  CHECK_FALSE(judge_kernel_sync(false, 0, WallTime{}, built).synced);
  CHECK_FALSE(judge_kernel_sync(false, -1, later, built).synced);  // unreadable: not trusted
  CHECK(judge_kernel_sync(false, 0, later, built).source == "kernel");
}

TEST_CASE("the real sources answer: trust always, the kernel without privilege", "[unit][time]") {
  const WallTime now = std::chrono::system_clock::now();
  CHECK(TrustedTimeSync().read(now).synced);
  CHECK(TrustedTimeSync().read(now).source == "trust");
  const auto k = KernelTimeSync().read(now);  // either answer, but a reasoned one
  CHECK(k.source == "kernel");
  CHECK_FALSE(k.detail.empty());
  CHECK_FALSE(KernelTimeSync().read(build_date() - 1s).synced);
  // site.time_source names the source.
  CHECK(make_time_sync("trust")->read(now).source == "trust");
  CHECK(make_time_sync("kernel")->read(now).source == "kernel");
}

TEST_CASE("the time watch: one event per change, a point always", "[unit][time]") {
  FlippingSource source;
  ManualClock clock(WallTime{std::chrono::seconds(1'800'000'000)});
  domain::PointStore points;
  app::TimeWatch watch(source, clock, points);
  CHECK_FALSE(watch.trusted());  // not read yet: nothing acts
  CHECK(watch.refusal().find("not synchronised") != std::string::npos);

  auto e = watch.check();  // starts unsynchronised: said once
  REQUIRE(e);
  CHECK(e->kind == "site.clock_unsynced");
  CHECK(e->severity == Severity::kWarning);
  CHECK(e->message.find("fake says not synced") != std::string::npos);
  CHECK(point_text(points, clock.wall_now()) == "no");
  CHECK_FALSE(watch.trusted());
  clock.advance(10s);
  CHECK_FALSE(watch.check());  // still unsynchronised: no second event

  source.synced = true;
  clock.advance(10s);
  e = watch.check();
  REQUIRE(e);
  CHECK(e->kind == "site.clock_synced");
  CHECK(watch.trusted());
  CHECK(watch.refusal().empty());
  CHECK(point_text(points, clock.wall_now()) == "yes");
  CHECK_FALSE(watch.check());

  source.synced = false;  // NTP lost and the kernel's estimate ran out
  e = watch.check();
  REQUIRE(e);
  CHECK(e->kind == "site.clock_unsynced");
}

TEST_CASE("a synchronised start is not an event", "[unit][time]") {
  FlippingSource source;
  source.synced = true;
  ManualClock clock;
  domain::PointStore points;
  app::TimeWatch watch(source, clock, points);
  CHECK_FALSE(watch.check());
  CHECK(watch.trusted());
}
