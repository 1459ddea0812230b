// SPDX-License-Identifier: Apache-2.0
// LiFePO4 charging rules on the battery temperatures: charging while the coldest cell is below
// 0 C is critical (lithium plating), 0-10 C and above 45 C call for reduced current. When a rule
// calls for less current the check asks for a charge-current lease: a ceiling on LCD 07 that the
// settings writer applies (validated, budgeted, read back, audited with cause "thermal") and
// that ends by itself once the temperatures have been back in band for the hold time. The
// packs' own BMS limits always win: the lease stays a margin below the BMS's requested limit.
// See docs/checks.md.
#pragma once

#include "sunbridge/domain/checks/check.hpp"

namespace sb::domain::checks {

struct ChargingRule {
  double freeze_c = 0.0;      // charging below this is critical; no charging at all
  double resume_c = 5.0;      // the freeze zone ends above this (LiFePO4 practice: resume ~5 C)
  double cool_c = 10.0;       // below: reduced current
  double hot_c = 45.0;        // above: reduced current
  double hysteresis_c = 1.0;  // the cool and hot zones end this far back inside
  double reduced_a = 20.0;    // the ceiling in the cool and hot zones (0.05 C of 400 Ah)
  double charging_a = 2.0;    // battery current above this counts as charging
  double bms_margin_a = 5.0;  // the ceiling stays this far below the BMS's own limit
  std::chrono::seconds hold{1800};  // back in band this long before the lease ends
  bool derate = true;               // false: warn only, never write
};

enum class ChargeZone { kNormal, kCool, kHot, kFreezing };
const char* to_string(ChargeZone zone);

class ChargingCheck {
 public:
  // `cell_points`: the battery's cell temperature sensors (the coldest and hottest count).
  ChargingCheck(ChargingRule rule, std::vector<std::string> cell_points);
  std::vector<Event> update(const PointStore& points, WallTime now);
  [[nodiscard]] const CheckStatus& status() const { return status_; }
  // The LCD 07 ceiling the rules call for now (A), or nothing: the profile's value stands.
  [[nodiscard]] std::optional<double> lease_a() const { return lease_a_; }
  [[nodiscard]] ChargeZone zone() const { return zone_; }

 private:
  [[nodiscard]] ChargeZone judge(double coldest_c, double hottest_c) const;
  [[nodiscard]] std::optional<double> ceiling(ChargeZone zone, std::optional<double> bms_a) const;
  std::vector<Event> update_lease(std::optional<double> wanted, WallTime now,
                                  const std::string& why);

  ChargingRule rule_;
  std::vector<std::string> points_;
  CheckStatus status_;
  ChargeZone zone_ = ChargeZone::kNormal;
  std::optional<WallTime> cold_charging_since_;  // an open critical event
  double cold_charging_max_a_ = 0;
  std::optional<double> lease_a_;
  std::optional<WallTime> lease_since_;
  std::optional<WallTime> in_band_since_;  // while a lease is held
  double coldest_c_ = 0, hottest_c_ = 0;
};

}  // namespace sb::domain::checks
