// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/engine.hpp"

namespace sb::domain::checks {

namespace {

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

  BandRule b;
  b.name = "thermal.battery";
  b.label = "battery temperature";
  b.points = {"battery.temperature"};
  for (int pack : c.packs) {
    for (int k = 1; k <= 4; ++k)
      b.points.push_back("pack." + std::to_string(pack) + ".temp." + std::to_string(k));
  }
  b.unit = "C";
  b.warning_above = c.battery_warning_c;
  b.critical_above = c.battery_critical_c;
  b.hysteresis = c.temperature_hysteresis_c;
  b.min_duration = c.temperature_min_duration;
  out.emplace_back(b);

  BandRule i;
  i.name = "thermal.inverter";
  i.label = "inverter temperature";
  i.points = {"inverter.temp.dcdc", "inverter.temp.dcac", "inverter.temp.transformer"};
  i.unit = "C";
  i.warning_above = c.inverter_warning_c;
  i.critical_above = c.inverter_critical_c;
  i.hysteresis = c.temperature_hysteresis_c;
  i.min_duration = c.temperature_min_duration;
  out.emplace_back(i);
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
