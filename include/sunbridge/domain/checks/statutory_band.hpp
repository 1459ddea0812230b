// SPDX-License-Identifier: Apache-2.0
// The statutory supply-voltage band (Japan's Electricity Business Act: 101 +/- 6 V per leg,
// 202 +/- 20 V leg to leg), judged on 10-minute means of the polled readings. Intervals are
// aligned to the clock (:00, :10, ...). An interval that overlaps a dip, swell, interruption or
// outage is flagged and left out of the band statistics: that time is counted as an event
// already, not twice. A mean outside the band opens one `pq.band` event that ends with the first
// interval back inside. Closed intervals are kept for `sunbridge pq`. See docs/checks.md.
#pragma once

#include <map>

#include "sunbridge/domain/checks/check.hpp"

namespace sb::domain::checks {

struct BandLimits {
  double leg_v = 101.0, leg_tolerance_v = 6.0;
  double l12_v = 202.0, l12_tolerance_v = 20.0;
};

// One leg's 10-minute interval.
struct PqInterval {
  WallTime start;
  std::string leg;  // "L1", "L2", "L1-L2"
  double mean_v = 0, min_v = 0, max_v = 0;
  int samples = 0;
  bool flagged = false;  // overlapped a voltage event or outage
  bool within = false;   // mean inside the statutory band (meaningless when flagged)
};

class StatutoryBand {
 public:
  static constexpr std::chrono::minutes kInterval{10};

  explicit StatutoryBand(BandLimits limits);
  // `disturbed`: a voltage event or outage is open now (flags the interval).
  std::vector<Event> update(const PointStore& points, WallTime now, bool disturbed);
  [[nodiscard]] const CheckStatus& status() const { return status_; }
  // Intervals closed since the last call, for storage.
  std::vector<PqInterval> take_closed();

 private:
  struct Accumulator {
    double sum = 0, min = 0, max = 0;
    int n = 0;
  };
  void close_interval(WallTime now, std::vector<Event>& out);

  BandLimits limits_;
  CheckStatus status_;
  std::optional<WallTime> interval_start_;
  bool flagged_ = false;
  std::map<std::string, Accumulator> acc_;  // by leg
  std::vector<PqInterval> closed_;
  std::optional<WallTime> event_start_;
  std::string event_legs_;
  double event_worst_deviation_v_ = 0;
};

// The band of `leg` ("L1", "L2", "L1-L2").
struct LegBand {
  double nominal_v = 0, tolerance_v = 0;
};
LegBand band_of(const BandLimits& limits, const std::string& leg);
// Whether `mean_v` is inside the band for `leg`.
bool within_band(const BandLimits& limits, const std::string& leg, double mean_v);

}  // namespace sb::domain::checks
