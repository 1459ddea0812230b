// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/band_check.hpp"

#include <cmath>

#include "sunbridge/core/local_time.hpp"

namespace sb::domain::checks {

namespace {

std::string describe_bands(const BandRule& r) {
  std::string out;
  auto add = [&](const char* what, const std::optional<double>& v, const char* op) {
    if (!v) return;
    if (!out.empty()) out += ", ";
    out += std::string(what) + " " + op + " " + fixed(*v, r.decimals) + " " + r.unit;
  };
  add("warning", r.warning_below, "<");
  add("warning", r.warning_above, ">");
  add("critical", r.critical_below, "<");
  add("critical", r.critical_above, ">");
  return out;
}

}  // namespace

BandCheck::BandCheck(BandRule rule) : rule_(std::move(rule)) {
  status_ = initial_status(rule_.name, rule_.unit, describe_bands(rule_));
}

Level BandCheck::judge(double v, Level current) const {
  auto beyond = [&](const std::optional<double>& above, const std::optional<double>& below,
                    bool holding) {
    const double h = holding ? rule_.hysteresis : 0.0;
    return (above && v > *above - h) || (below && v < *below + h);
  };
  if (beyond(rule_.critical_above, rule_.critical_below, current == Level::kCritical)) {
    return Level::kCritical;
  }
  if (beyond(rule_.warning_above, rule_.warning_below, current != Level::kOk)) {
    return Level::kWarning;
  }
  return Level::kOk;
}

std::vector<Event> BandCheck::update(const PointStore& points, WallTime now) {
  // The worst of the fresh values: the one calling for the highest level, the most extreme one
  // among equals. Nothing fresh: no judgement at all.
  std::optional<double> worst;
  std::string worst_point;
  Level worst_level = Level::kOk;
  for (const auto& name : rule_.points) {
    auto v = points.fresh_number(name, now);
    if (!v) continue;
    const Level l = judge(*v, status_.level);
    const bool more_extreme =
        worst && (rule_.warning_above || rule_.critical_above ? *v > *worst : *v < *worst);
    if (!worst || l > worst_level || (l == worst_level && more_extreme)) {
      worst = v;
      worst_point = name;
      worst_level = l;
    }
  }
  if (!worst) return {};
  status_.known = true;
  status_.value = worst;
  std::vector<Event> out;
  if (event_start_) {
    const bool above = rule_.warning_above || rule_.critical_above;
    if (above ? *worst > extreme_ : *worst < extreme_) {
      extreme_ = *worst;
      extreme_point_ = worst_point;
    }
  }
  if (worst_level == status_.level) {
    pending_ = worst_level;
    pending_since_.reset();
    if (status_.level == Level::kOk) status_.state = "normal";
    return out;
  }
  if (worst_level < status_.level) {  // better: the hysteresis already held it long enough
    pending_since_.reset();
    if (worst_level == Level::kOk) {
      auto closed = close(now);
      out.insert(out.end(), closed.begin(), closed.end());
    } else {
      status_.level = worst_level;
      status_.state = to_string(worst_level);
      status_.since = now;
    }
    return out;
  }
  // Worse: only after min_duration beyond the band.
  if (pending_ != worst_level || !pending_since_) {
    pending_ = worst_level;
    pending_since_ = now;
  }
  if (now - *pending_since_ < rule_.min_duration) return out;
  const WallTime started = *pending_since_;
  pending_since_.reset();
  if (!event_start_) {
    event_start_ = started;
    extreme_ = *worst;
    extreme_point_ = worst_point;
  }
  status_.level = worst_level;
  status_.state = to_string(worst_level);
  status_.since = started;
  event_level_ = worst_level;
  out.push_back({now,
                 rule_.name + "." + to_string(worst_level),
                 worst_level == Level::kCritical ? Severity::kCritical : Severity::kWarning,
                 rule_.label + " " + fixed(*worst, rule_.decimals) + " " + rule_.unit + " (" +
                     worst_point + ") is beyond the " + to_string(worst_level) + " band (" +
                     status_.threshold + ")",
                 {{"point", worst_point},
                  {"value", fixed(*worst, rule_.decimals)},
                  {"start", format_iso8601_utc(started)},
                  {"level", to_string(worst_level)}}});
  return out;
}

std::vector<Event> BandCheck::close(WallTime now) {
  std::vector<Event> out;
  if (event_start_) {
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(now - *event_start_).count();
    out.push_back({now,
                   rule_.name + ".cleared",
                   Severity::kInfo,
                   rule_.label + " back to normal after " + std::to_string(seconds) +
                       " s; extreme " + fixed(extreme_, rule_.decimals) + " " + rule_.unit + " (" +
                       extreme_point_ + ")",
                   {{"start", format_iso8601_utc(*event_start_)},
                    {"end", format_iso8601_utc(now)},
                    {"duration_s", std::to_string(seconds)},
                    {"extreme", fixed(extreme_, rule_.decimals)},
                    {"point", extreme_point_},
                    {"level", to_string(event_level_)}}});
  }
  event_start_.reset();
  status_.level = Level::kOk;
  status_.state = "normal";
  status_.since = now;
  return out;
}

}  // namespace sb::domain::checks
