// SPDX-License-Identifier: Apache-2.0
// History samples come at the configured interval, within one poll, whatever the poll jitter.
#include <catch2/catch.hpp>

#include <vector>

#include "sunbridge/core/sample_clock.hpp"

using namespace std::chrono_literals;

namespace {

// The gaps between samples when polls come every `poll` with the given per-poll jitter pattern.
std::vector<double> sample_gaps_s(std::chrono::milliseconds interval,
                                  std::chrono::milliseconds poll,
                                  const std::vector<std::chrono::milliseconds>& jitter, int polls) {
  sb::SampleClock clock(interval);
  const sb::WallTime start{std::chrono::hours(24 * 20000)};
  std::vector<double> gaps;
  std::optional<sb::WallTime> last;
  for (int i = 0; i < polls; ++i) {
    const sb::WallTime at = start + i * poll + jitter[static_cast<std::size_t>(i) % jitter.size()];
    if (!clock.due(at, poll)) continue;
    clock.taken(at);
    if (last) gaps.push_back(std::chrono::duration<double>(at - *last).count());
    last = at;
  }
  return gaps;
}

}  // namespace

TEST_CASE("samples every poll when the interval equals the poll, even with jitter",
          "[unit][history]") {
  // The field report: 10 s polls, 10 s samples, gaps of 20 10 20 10 s. Each poll ends a few ms
  // earlier or later than the one before.
  const auto gaps = sample_gaps_s(10s, 10s, {30ms, 5ms, 42ms, -12ms, 0ms, 17ms}, 60);
  REQUIRE(gaps.size() == 59);
  for (double g : gaps) {
    CHECK(g > 9.9);
    CHECK(g < 10.1);
  }
}

TEST_CASE("a longer interval is kept on average, each gap within one poll of it",
          "[unit][history]") {
  const auto gaps = sample_gaps_s(15s, 10s, {0ms, 20ms, -20ms}, 600);
  double sum = 0;
  for (double g : gaps) {
    CHECK(g >= 15.0 - 10.0 - 0.05);
    CHECK(g <= 15.0 + 10.0 + 0.05);
    sum += g;
  }
  CHECK(sum / static_cast<double>(gaps.size()) == Approx(15.0).epsilon(0.02));
  // 60 s samples from 5 s polls: exactly every twelfth poll.
  for (double g : sample_gaps_s(60s, 5s, {3ms, -3ms}, 400))
    CHECK(g == Approx(60.0).margin(0.01));
}

TEST_CASE("after a gap in the polls, one sample and the schedule again, no burst",
          "[unit][history]") {
  sb::SampleClock clock(10s);
  const sb::WallTime t0{std::chrono::hours(24 * 20000)};
  clock.taken(t0);
  CHECK_FALSE(clock.due(t0 + 4s, 10s));
  CHECK(clock.due(t0 + 5s, 10s));  // half a poll early counts
  // The link was down for a minute: the first poll back takes the sample; the next is due an
  // interval later, not at once for each missed one.
  clock.taken(t0 + 70s);
  CHECK_FALSE(clock.due(t0 + 71s, 1s));
  CHECK(clock.due(t0 + 80s, 10s));
}
