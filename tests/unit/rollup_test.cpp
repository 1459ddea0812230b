// SPDX-License-Identifier: Apache-2.0
// The history tiers' builder (pure) and the stored form of a bucket (bounds-checked codec).
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "sunbridge/adapters/rollup_blob.hpp"
#include "sunbridge/domain/rollup.hpp"

using namespace sb;
using domain::RollupInput;
using domain::Tier;

namespace {

constexpr std::int64_t kMin = 60'000;
// 2026-05-10 00:00 UTC: a whole day, so UTC days (the builder's default) start here.
constexpr std::int64_t kDay0 = 1'778'371'200'000;

RollupInput soc(double v) {
  return {1, v, 0, false, true};
}
RollupInput cell(double v) {
  return {2, v, 0, false, false};  // only in the daily tier
}
RollupInput counter(double v) {
  return {3, v, 1, true, true};
}

const domain::RollupBucket* find(const std::vector<domain::RollupBucket>& buckets, Tier tier,
                                 std::int64_t start_ms) {
  for (const auto& b : buckets)
    if (b.tier == tier && b.start_ms == start_ms) return &b;
  return nullptr;
}

}  // namespace

TEST_CASE("a minute bucket holds min, max, mean and last and closes when the next one starts",
          "[unit][rollup]") {
  domain::RollupBuilder b({});
  b.add(kDay0 + 0, {soc(50)});
  b.add(kDay0 + 10'000, {soc(53)});
  b.add(kDay0 + 20'000, {soc(49)});
  b.add(kDay0 + 50'000, {soc(51)});
  CHECK(b.take_closed().empty());  // still open
  b.add(kDay0 + kMin, {soc(52)});
  auto closed = b.take_closed();
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].tier == Tier::kMinute);
  CHECK(closed[0].start_ms == kDay0);
  const auto& s = closed[0].points.at(1);
  CHECK(s.count == 4);
  CHECK(s.min == 49);
  CHECK(s.max == 53);
  CHECK(s.mean() == Approx(50.75));
  CHECK(s.last == 51);
  CHECK_FALSE(s.delta);
  CHECK(b.take_closed().empty());  // handed out once
}

TEST_CASE("an outage leaves no buckets and nothing interpolated", "[unit][rollup]") {
  domain::RollupBuilder b({});
  b.add(kDay0, {soc(50)});
  b.add(kDay0 + 10 * kMin, {soc(80)});  // the link was down for ten minutes
  b.add(kDay0 + 11 * kMin, {soc(81)});
  auto closed = b.take_closed();
  std::vector<std::int64_t> minutes;
  for (const auto& c : closed)
    if (c.tier == Tier::kMinute) minutes.push_back((c.start_ms - kDay0) / kMin);
  CHECK(minutes == std::vector<std::int64_t>{0, 10});
  // The quarter bucket has two values, not eleven minutes' worth of invented ones.
  CHECK(closed.size() == 2);
  b.add(kDay0 + 15 * kMin, {soc(82)});
  closed = b.take_closed();
  const auto* q = find(closed, Tier::kQuarter, kDay0);
  REQUIRE(q != nullptr);
  CHECK(q->points.at(1).count == 3);
  CHECK(q->points.at(1).mean() == Approx((50 + 80 + 81) / 3.0));
}

TEST_CASE("energy counters keep the energy per bucket across resets and not across outages",
          "[unit][rollup]") {
  domain::RollupOptions options;
  options.max_counter_gap_ms = 5 * kMin;
  domain::RollupBuilder b(options);
  b.add(kDay0 + 0, {counter(10.0)});
  b.add(kDay0 + 30'000, {counter(10.4)});
  b.add(kDay0 + kMin, {counter(10.9)});          // +0.5 in minute 1
  b.add(kDay0 + kMin + 30'000, {counter(0.2)});  // reset: counted from zero
  b.add(kDay0 + 20 * kMin, {counter(5.0)});      // after an outage: not booked anywhere
  b.add(kDay0 + 20 * kMin + 30'000, {counter(5.3)});
  b.add(kDay0 + 21 * kMin, {counter(5.3)});
  auto closed = b.take_closed();
  const auto* m0 = find(closed, Tier::kMinute, kDay0);
  const auto* m1 = find(closed, Tier::kMinute, kDay0 + kMin);
  const auto* m20 = find(closed, Tier::kMinute, kDay0 + 20 * kMin);
  REQUIRE(m0 != nullptr);
  REQUIRE(m1 != nullptr);
  REQUIRE(m20 != nullptr);
  CHECK(*m0->points.at(3).delta == Approx(0.4));
  CHECK(*m1->points.at(3).delta == Approx(0.5 + 0.2));
  CHECK(*m20->points.at(3).delta == Approx(0.3));
  const auto* q0 = find(closed, Tier::kQuarter, kDay0);
  REQUIRE(q0 != nullptr);
  CHECK(*q0->points.at(3).delta == Approx(1.1));
}

TEST_CASE("per-cell values skip the minute tiers but reach the daily one", "[unit][rollup]") {
  domain::RollupBuilder b({});
  b.add(kDay0, {soc(50), cell(3301)});
  b.add(kDay0 + 24 * 60 * kMin, {soc(60), cell(3310)});  // the next day closes everything
  auto closed = b.take_closed();
  const auto* m = find(closed, Tier::kMinute, kDay0);
  const auto* q = find(closed, Tier::kQuarter, kDay0);
  const auto* d = find(closed, Tier::kDay, kDay0);
  REQUIRE(m != nullptr);
  REQUIRE(q != nullptr);
  REQUIRE(d != nullptr);
  CHECK(m->points.count(2) == 0);
  CHECK(q->points.count(1) == 1);
  CHECK(q->points.count(2) == 0);
  CHECK(d->points.at(2).last == 3301);
}

TEST_CASE("days are the local days the caller gives, and late values are refused",
          "[unit][rollup]") {
  domain::RollupOptions options;
  // Japan: local midnight is 15:00 UTC.
  options.day_start = [](std::int64_t ts) {
    const std::int64_t offset = 9 * 3'600'000;
    const std::int64_t day = 86'400'000;
    return ((ts + offset) / day) * day - offset;
  };
  domain::RollupBuilder b(options);
  const std::int64_t jst_midnight = kDay0 + 15 * 60 * kMin;
  b.add(jst_midnight - kMin, {soc(40)});  // 23:59 local
  b.add(jst_midnight + kMin, {soc(41)});  // 00:01 local: a new day
  auto closed = b.take_closed();
  const auto* d = find(closed, Tier::kDay, jst_midnight - 24 * 60 * kMin);
  REQUIRE(d != nullptr);
  CHECK(d->points.at(1).last == 40);
  CHECK(b.open(Tier::kDay)->start_ms == jst_midnight);
  CHECK(b.bucket_end(Tier::kDay, jst_midnight) == jst_midnight + 24 * 60 * kMin);
  // The clock stepped back ten minutes: every tier's open bucket is later; the value is left out.
  CHECK(b.add(jst_midnight - 10 * kMin, {soc(1)}) == 3);
  CHECK(b.open(Tier::kMinute)->points.at(1).min == 41);
}

TEST_CASE("a tier resumes after its last stored bucket and never counts a value twice",
          "[unit][rollup]") {
  domain::RollupBuilder b({});
  b.resume_after(Tier::kMinute, kDay0 + 5 * kMin);
  b.resume_after(Tier::kQuarter, kDay0);
  b.add(kDay0 + 4 * kMin, {soc(10)});  // already in a stored minute bucket
  b.add(kDay0 + 5 * kMin, {soc(20)});
  REQUIRE(b.open(Tier::kMinute));
  CHECK(b.open(Tier::kMinute)->points.at(1).count == 1);
  CHECK(b.open(Tier::kQuarter)->points.at(1).count == 2);
}

TEST_CASE("a stored bucket reads back with the point's precision", "[unit][rollup][codec]") {
  std::map<std::int64_t, domain::RollupStats> points;
  domain::RollupStats v;
  for (double x : {230.1, 229.8, 231.4})
    v.add(x, 1);
  points[7] = v;
  domain::RollupStats e;
  e.add(1234.5, 1);
  e.delta = 0.7;
  points[300] = e;
  domain::RollupStats w;
  w.add(-2500, 0);
  w.add(3100, 0);
  points[12] = w;
  const auto blob = adapters::encode_rollup(points);
  // About 12 bytes a point: the reason the tiers are stored this way.
  CHECK(blob.size() <= 2 + 3 * 16);
  auto back = adapters::decode_rollup(blob);
  REQUIRE(back.ok());
  REQUIRE(back->size() == 3);
  CHECK(back->at(7).min == Approx(229.8));
  CHECK(back->at(7).max == Approx(231.4));
  CHECK(back->at(7).last == Approx(231.4));
  CHECK(back->at(7).mean() == Approx(230.43).margin(0.006));  // one more decimal than shown
  CHECK(back->at(7).count == 3);
  CHECK(*back->at(300).delta == Approx(0.7));
  CHECK(back->at(12).min == -2500);
  CHECK(back->at(12).mean() == 300);
  CHECK_FALSE(back->at(12).delta);
}

TEST_CASE("a damaged stored bucket is Malformed, never trusted", "[unit][rollup][codec]") {
  std::map<std::int64_t, domain::RollupStats> points;
  domain::RollupStats v;
  v.add(50, 0);
  points[1] = v;
  const auto good = adapters::encode_rollup(points);
  auto expect_malformed = [](std::vector<std::uint8_t> bytes) {
    auto r = adapters::decode_rollup(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::kMalformed);
  };
  for (std::size_t n = 0; n < good.size(); ++n)  // every truncation
    expect_malformed(std::vector<std::uint8_t>(good.begin(), good.begin() + n));
  auto trailing = good;
  trailing.push_back(0);
  expect_malformed(trailing);
  auto version = good;
  version[0] = 9;
  expect_malformed(version);
  // A count of entries the bytes cannot hold is refused before anything is allocated.
  expect_malformed({1, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 0, 1, 0, 0, 0, 0});
  // Decimals beyond 6 and unknown flag bits.
  expect_malformed({1, 1, 1, 0x07, 1, 0, 0, 0, 0});
  expect_malformed({1, 1, 1, 0x10, 1, 0, 0, 0, 0});
  // A varint of eleven bytes.
  expect_malformed({1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  // Point ids must ascend.
  expect_malformed({1, 2, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0});
}
