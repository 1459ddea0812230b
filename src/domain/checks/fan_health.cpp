// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/fan_health.hpp"

#include <algorithm>
#include <cmath>

#include "sunbridge/core/local_time.hpp"

namespace sb::domain::checks {

namespace {

double median(std::vector<double> v) {
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  double m = v[mid];
  if (v.size() % 2 == 0) {
    m = (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
  }
  return m;
}

}  // namespace

FanHealth::FanHealth(FanHealthRule rule) : rule_(std::move(rule)) {
  status_ = initial_status("cooling.fan_health", "C",
                           "heatsink rise over ambient beyond the learned median + " +
                               fixed(rule_.spread_factor, 0) + " robust sigma (at least " +
                               fixed(rule_.min_margin_c, 0) + " C) at the same load",
                           "learning");
}

int FanHealth::band(double load_w) const {
  return static_cast<int>(std::floor(std::max(0.0, load_w) / rule_.band_w));
}

std::optional<FanHealth::Expected> FanHealth::expected(double load_w) const {
  const int b = band(load_w);
  std::vector<double> rises;
  for (const auto& s : samples_)
    if (band(s.load_w) == b) rises.push_back(s.rise_c);
  if (rises.size() < rule_.min_samples) return std::nullopt;
  const double m = median(rises);
  std::vector<double> deviations;
  deviations.reserve(rises.size());
  for (double r : rises)
    deviations.push_back(std::fabs(r - m));
  const double sigma = 1.4826 * median(deviations);  // MAD scaled to a normal's sigma
  return Expected{m, m + std::max(rule_.spread_factor * sigma, rule_.min_margin_c), rises.size()};
}

void FanHealth::restore(std::vector<FanSample> samples) {
  samples_.assign(samples.begin(), samples.end());
  if (!samples_.empty()) last_sample_ = samples_.back().ts;
}

std::vector<Event> FanHealth::update(const PointStore& points, WallTime now) {
  if (!rule_.enabled) return {};
  auto heatsink = points.fresh_number(rule_.heatsink_point, now);
  auto ambient = points.fresh_number(rule_.ambient_point, now);
  auto load = points.fresh_number(rule_.load_point, now);
  if (!heatsink || !ambient || !load) return {};  // a failed poll says nothing about fans
  const double rise = *heatsink - *ambient;
  while (!samples_.empty() && now - samples_.front().ts > rule_.window)
    samples_.pop_front();
  const auto exp = expected(*load);
  status_.known = true;
  status_.value = rise;
  std::vector<Event> out;
  const bool beyond = exp && rise > exp->limit_c;
  // Learn only what looks healthy: a degraded fan must not become the new normal.
  if (!beyond && !event_start_ && (!last_sample_ || now - *last_sample_ >= rule_.sample_every)) {
    samples_.push_back({now, *load, rise});
    last_sample_ = now;
  }
  if (!exp) {
    status_.state = "learning";
    status_.level = Level::kOk;
    return out;
  }
  status_.threshold = "rise " + fixed(exp->limit_c, 1) + " C at " + fixed(*load, 0) +
                      " W (learned median " + fixed(exp->median_c, 1) + " C, " +
                      std::to_string(exp->samples) + " samples)";
  if (beyond) {
    if (!beyond_since_) beyond_since_ = now;
    worst_excess_c_ =
        event_start_ ? std::max(worst_excess_c_, rise - exp->median_c) : rise - exp->median_c;
    if (!event_start_ && now - *beyond_since_ >= rule_.sustain) {
      event_start_ = *beyond_since_;
      status_.level = Level::kWarning;
      status_.state = "degraded";
      status_.since = *beyond_since_;
      out.push_back({now,
                     "cooling.fan_degraded",
                     Severity::kWarning,
                     "the inverter's heatsink runs " + fixed(rise - exp->median_c, 1) +
                         " C hotter over ambient than it learned at " + fixed(*load, 0) +
                         " W (rise " + fixed(rise, 1) + " C, usual " + fixed(exp->median_c, 1) +
                         " C): a fan may be failing or clogged with dust",
                     {{"rise_c", fixed(rise, 1)},
                      {"usual_c", fixed(exp->median_c, 1)},
                      {"limit_c", fixed(exp->limit_c, 1)},
                      {"load_w", fixed(*load, 0)},
                      {"start", format_iso8601_utc(*beyond_since_)}}});
    }
    return out;
  }
  beyond_since_.reset();
  if (event_start_) {
    out.push_back({now,
                   "cooling.fan_degraded.cleared",
                   Severity::kInfo,
                   "the heatsink's rise over ambient is back to what was learned (at most " +
                       fixed(worst_excess_c_, 1) + " C above it meanwhile)",
                   {{"start", format_iso8601_utc(*event_start_)},
                    {"end", format_iso8601_utc(now)},
                    {"max_excess_c", fixed(worst_excess_c_, 1)}}});
    event_start_.reset();
    status_.since = now;
  }
  status_.level = Level::kOk;
  status_.state = "normal";
  return out;
}

}  // namespace sb::domain::checks
