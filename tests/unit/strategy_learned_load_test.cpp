// SPDX-License-Identifier: Apache-2.0
// Automatic mode's load forecast: the calibrated household scaled to the gateway's own whole
// measured days, and the model as calibrated until there are enough of them.
#include <chrono>
#include <vector>

#include <catch2/catch.hpp>

#include "sunbridge/domain/strategy/learned_load.hpp"

using namespace sb::domain;
using namespace sb::domain::strategy;

namespace {

Date day(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

// `n` days ending the day before 2027-01-20, each `share` of the model's January use.
std::vector<MeasuredDay> days_before_jan20(int n, double share) {
  const HouseholdModel model;
  std::vector<MeasuredDay> out;
  for (int k = 1; k <= n; ++k) {
    const Date d{std::chrono::sys_days{day(2027, 1, 20)} - std::chrono::days{k}};
    const auto month = static_cast<unsigned>(d.month());
    out.push_back({d, model.kwh_per_day[month - 1] * share});
  }
  return out;
}

}  // namespace

TEST_CASE("learned load: the model as calibrated until seven whole days are measured",
          "[unit][strategy]") {
  const HouseholdModel model;
  const auto six = days_before_jan20(6, 1.3);
  const LearnedLoad l = learn_load(model, six, day(2027, 1, 20));
  CHECK(l.days_used == 0);
  CHECK(l.factor == 1.0);
  CHECK(l.household.kwh_per_day == model.kwh_per_day);
  CHECK(l.describe({}) == "load from the calibrated model (fewer than 7 whole days measured)");
}

TEST_CASE("learned load: the newest measured days scale the household's level",
          "[unit][strategy]") {
  const HouseholdModel model;
  // Twenty days at 120 % of the model (across the new year: December's and January's levels).
  const LearnedLoad l = learn_load(model, days_before_jan20(20, 1.2), day(2027, 1, 20));
  CHECK(l.days_used == 14);  // the newest 14
  CHECK(l.factor == Approx(1.2));
  CHECK(l.household.kwh_per_day[0] == Approx(model.kwh_per_day[0] * 1.2));
  CHECK(l.household.kwh_per_day[6] == Approx(model.kwh_per_day[6] * 1.2));
  CHECK(l.describe({}) == "load learned from 14 measured days (120 % of the model)");
  // Only the newest count: 14 recent days at 90 % outweigh older ones at 150 %.
  auto mixed = days_before_jan20(14, 0.9);
  for (int k = 15; k <= 25; ++k) {
    mixed.push_back({Date{std::chrono::sys_days{day(2027, 1, 20)} - std::chrono::days{k}}, 45.0});
  }
  CHECK(learn_load(model, mixed, day(2027, 1, 20)).factor == Approx(0.9));
}

TEST_CASE("learned load: stale, future, repeated and absurd days do not mislead it",
          "[unit][strategy]") {
  const HouseholdModel model;
  // Measured more than four weeks before: nothing to learn from.
  CHECK(learn_load(model, days_before_jan20(10, 1.2), day(2027, 3, 1)).days_used == 0);
  // The served day itself and later days are not measurements of the past.
  auto future = days_before_jan20(6, 1.0);
  future.push_back({day(2027, 1, 20), 10.0});
  future.push_back({day(2027, 1, 21), 10.0});
  CHECK(learn_load(model, future, day(2027, 1, 20)).days_used == 0);
  // The same day twice counts once.
  auto twice = days_before_jan20(6, 1.0);
  twice.push_back(twice.front());
  CHECK(learn_load(model, twice, day(2027, 1, 20)).days_used == 0);
  // Ten times the model is a measuring fault more than a house: clamped to three times.
  const LearnedLoad high = learn_load(model, days_before_jan20(10, 10.0), day(2027, 1, 20));
  CHECK(high.factor == 3.0);
  // A very low level leaves the night loads their energy.
  const LearnedLoad low = learn_load(model, days_before_jan20(10, 0.05), day(2027, 1, 20));
  CHECK(low.factor == 0.3);
  CHECK(low.household.kwh_per_day[0] >= night_loads_kwh(model, 1));
}
