// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/charging.hpp"

#include <algorithm>
#include <cmath>

#include "sunbridge/core/local_time.hpp"

namespace sb::domain::checks {

const char* to_string(ChargeZone zone) {
  switch (zone) {
    case ChargeZone::kNormal:
      return "normal";
    case ChargeZone::kCool:
      return "cool: reduced current";
    case ChargeZone::kHot:
      return "hot: reduced current";
    case ChargeZone::kFreezing:
      return "below freezing: no charging";
  }
  return "normal";
}

ChargingCheck::ChargingCheck(ChargingRule rule, std::vector<std::string> cell_points)
    : rule_(std::move(rule)), points_(std::move(cell_points)) {
  status_ = initial_status("thermal.charging", "C",
                           "no charging below " + fixed(rule_.freeze_c, 0) + " C, at most " +
                               fixed(rule_.reduced_a, 0) + " A below " + fixed(rule_.cool_c, 0) +
                               " C or above " + fixed(rule_.hot_c, 0) + " C");
}

ChargeZone ChargingCheck::judge(double coldest_c, double hottest_c) const {
  if (coldest_c < rule_.freeze_c || (zone_ == ChargeZone::kFreezing && coldest_c < rule_.resume_c))
    return ChargeZone::kFreezing;
  if (hottest_c > rule_.hot_c ||
      (zone_ == ChargeZone::kHot && hottest_c > rule_.hot_c - rule_.hysteresis_c))
    return ChargeZone::kHot;
  // Leaving the freeze zone above resume_c is still cool (below cool_c).
  const bool was_cold = zone_ == ChargeZone::kCool || zone_ == ChargeZone::kFreezing;
  if (coldest_c < rule_.cool_c || (was_cold && coldest_c < rule_.cool_c + rule_.hysteresis_c))
    return ChargeZone::kCool;
  return ChargeZone::kNormal;
}

std::optional<double> ChargingCheck::ceiling(ChargeZone zone, std::optional<double> bms_a) const {
  if (!rule_.derate || zone == ChargeZone::kNormal) return std::nullopt;
  double a = zone == ChargeZone::kFreezing ? 0.0 : rule_.reduced_a;
  // The BMS's own request wins; ours stays a margin below it. Whole amps: a limit that moves by
  // a fraction with every BMS frame must not become a write per poll.
  if (bms_a) a = std::min(a, std::max(0.0, *bms_a - rule_.bms_margin_a));
  return std::floor(a);
}

std::vector<Event> ChargingCheck::update(const PointStore& points, WallTime now) {
  std::optional<double> coldest, hottest;
  for (const auto& n : points_) {
    auto v = points.fresh_number(n, now);
    if (!v) continue;
    coldest = coldest ? std::min(*coldest, *v) : *v;
    hottest = hottest ? std::max(*hottest, *v) : *v;
  }
  if (!coldest) return {};  // nothing fresh: no judgement, no change to a lease
  coldest_c_ = *coldest;
  hottest_c_ = *hottest;
  zone_ = judge(*coldest, *hottest);
  const std::optional<double> current_a = points.fresh_number("battery.current", now);
  const std::optional<double> bms_a = points.fresh_number("inverter.bms.charge_current_limit", now);

  std::vector<Event> out;
  // Charging below freezing: one critical event while it lasts. A stale current changes nothing.
  if (current_a) {
    const bool cold_charging = zone_ == ChargeZone::kFreezing && *current_a > rule_.charging_a;
    if (cold_charging && !cold_charging_since_) {
      cold_charging_since_ = now;
      cold_charging_max_a_ = *current_a;
      out.push_back({now,
                     "thermal.charging.cold",
                     Severity::kCritical,
                     "the battery is charging at " + fixed(*current_a, 1) +
                         " A while a cell is at " + fixed(*coldest, 1) + " C (below " +
                         fixed(rule_.freeze_c, 0) + " C LiFePO4 must not be charged)",
                     {{"current_a", fixed(*current_a, 1)},
                      {"coldest_c", fixed(*coldest, 1)},
                      {"start", format_iso8601_utc(now)}}});
    } else if (cold_charging) {
      cold_charging_max_a_ = std::max(cold_charging_max_a_, *current_a);
    } else if (cold_charging_since_) {
      const auto seconds =
          std::chrono::duration_cast<std::chrono::seconds>(now - *cold_charging_since_).count();
      out.push_back({now,
                     "thermal.charging.cold.ended",
                     Severity::kInfo,
                     "no more charging below freezing after " + std::to_string(seconds) +
                         " s (at most " + fixed(cold_charging_max_a_, 1) + " A)",
                     {{"start", format_iso8601_utc(*cold_charging_since_)},
                      {"end", format_iso8601_utc(now)},
                      {"duration_s", std::to_string(seconds)},
                      {"max_current_a", fixed(cold_charging_max_a_, 1)}}});
      cold_charging_since_.reset();
    }
  }

  status_.known = true;
  status_.value = zone_ == ChargeZone::kHot ? *hottest : *coldest;
  const Level level = cold_charging_since_           ? Level::kCritical
                      : zone_ != ChargeZone::kNormal ? Level::kWarning
                                                     : Level::kOk;
  if (level != status_.level || status_.state != to_string(zone_)) status_.since = now;
  status_.level = level;
  status_.state = to_string(zone_);

  const std::string why = zone_ == ChargeZone::kHot ? "hottest cell " + fixed(*hottest, 1) + " C"
                                                    : "coldest cell " + fixed(*coldest, 1) + " C";
  auto lease_events = update_lease(ceiling(zone_, bms_a), now, why);
  out.insert(out.end(), lease_events.begin(), lease_events.end());
  return out;
}

std::vector<Event> ChargingCheck::update_lease(std::optional<double> wanted, WallTime now,
                                               const std::string& why) {
  std::vector<Event> out;
  auto start = [&](double a) {
    const bool first = !lease_a_;
    lease_a_ = a;
    lease_since_ = now;
    out.push_back({now,
                   "thermal.charge_limited",
                   Severity::kWarning,
                   std::string(first ? "charging limited" : "charging limit changed") + " to " +
                       fixed(a, 0) + " A (" + why + ", " + to_string(zone_) + ")",
                   {{"limit_a", fixed(a, 0)}, {"zone", to_string(zone_)}, {"reason", why}}});
  };
  if (wanted) {
    in_band_since_.reset();
    if (!lease_a_ || *wanted < *lease_a_) {
      start(*wanted);  // less current: at once, safety first
    } else if (*wanted > *lease_a_ && now - *lease_since_ >= rule_.hold) {
      start(*wanted);  // more current (frozen -> cool): at most one change per hold time
    }
    return out;
  }
  if (!lease_a_) return out;
  if (!in_band_since_) in_band_since_ = now;
  if (now - *in_band_since_ < rule_.hold || now - *lease_since_ < rule_.hold) return out;
  out.push_back(
      {now,
       "thermal.charge_limited.ended",
       Severity::kInfo,
       "temperatures back in band for " +
           std::to_string(
               std::chrono::duration_cast<std::chrono::seconds>(now - *in_band_since_).count()) +
           " s: the profile's charge current is restored",
       {{"limit_a", fixed(*lease_a_, 0)},
        {"start", format_iso8601_utc(*lease_since_)},
        {"end", format_iso8601_utc(now)}}});
  lease_a_.reset();
  lease_since_.reset();
  in_band_since_.reset();
  return out;
}

}  // namespace sb::domain::checks
