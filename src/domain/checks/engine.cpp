// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/engine.hpp"

namespace sb::domain::checks {

namespace {

// Warning and critical limits above, with the temperature hysteresis and minimum duration.
BandRule temperature_rule(std::string name, std::string label, std::vector<std::string> points,
                          double warning_c, double critical_c, const ChecksConfig& c) {
  BandRule r;
  r.name = std::move(name);
  r.label = std::move(label);
  r.points = std::move(points);
  r.unit = "C";
  r.warning_above = warning_c;
  r.critical_above = critical_c;
  r.hysteresis = c.temperature_hysteresis_c;
  r.min_duration = c.temperature_min_duration;
  return r;
}

std::vector<BandCheck> band_checks(const ChecksConfig& c) {
  std::vector<BandCheck> out;
  BandRule f;
  f.name = "pq.frequency";
  f.label = "grid frequency";
  f.points = {"grid.frequency"};
  f.unit = "Hz";
  f.warning_above = c.frequency_hz + c.frequency_band_hz;
  f.warning_below = c.frequency_hz - c.frequency_band_hz;
  f.hysteresis = c.frequency_hysteresis_hz;
  f.min_duration = c.frequency_min_duration;
  f.decimals = 2;
  out.emplace_back(f);

  std::vector<std::string> cells = {"battery.temperature"};
  for (int pack : c.packs) {
    for (int k = 1; k <= 4; ++k)
      cells.push_back("pack." + std::to_string(pack) + ".temp." + std::to_string(k));
  }
  out.emplace_back(temperature_rule("thermal.battery", "battery temperature", std::move(cells),
                                    c.battery_warning_c, c.battery_critical_c, c));
  out.emplace_back(
      temperature_rule("thermal.inverter", "inverter temperature",
                       {"inverter.temp.dcdc", "inverter.temp.dcac", "inverter.temp.transformer"},
                       c.inverter_warning_c, c.inverter_critical_c, c));
  return out;
}

}  // namespace

CheckEngine::CheckEngine(const ChecksConfig& config)
    : enabled_(config.enabled),
      voltage_(config.voltage),
      outage_(config.voltage),
      bands_(band_checks(config)) {}

std::vector<Event> CheckEngine::update(const PointStore& points, WallTime now) {
  if (!enabled_) return {};
  std::vector<Event> out = voltage_.update(points, now);
  auto o = outage_.update(points, now);
  out.insert(out.end(), o.begin(), o.end());
  for (auto& b : bands_) {
    auto e = b.update(points, now);
    out.insert(out.end(), e.begin(), e.end());
  }
  return out;
}

std::vector<CheckStatus> CheckEngine::statuses() const {
  if (!enabled_) return {};
  std::vector<CheckStatus> out = {voltage_.status(), outage_.status()};
  for (const auto& b : bands_)
    out.push_back(b.status());
  return out;
}

}  // namespace sb::domain::checks
