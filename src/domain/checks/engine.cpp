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

  out.emplace_back(temperature_rule("thermal.battery", "battery temperature",
                                    battery_temperature_points(c.packs, true), c.battery_warning_c,
                                    c.battery_critical_c, c));
  out.emplace_back(
      temperature_rule("thermal.inverter", "inverter temperature",
                       {"inverter.temp.dcdc", "inverter.temp.dcac", "inverter.temp.transformer"},
                       c.inverter_warning_c, c.inverter_critical_c, c));
  return out;
}

}  // namespace

std::vector<std::string> battery_temperature_points(const std::vector<int>& packs,
                                                    bool with_boards) {
  std::vector<std::string> out = {"battery.temperature"};
  for (int pack : packs) {
    const std::string p = "pack." + std::to_string(pack) + ".temp.";
    for (int k = 1; k <= 4; ++k)
      out.push_back(p + std::to_string(k));
    if (with_boards) {
      out.push_back(p + "mos");
      out.push_back(p + "ambient");
    }
  }
  return out;
}

CheckEngine::CheckEngine(const ChecksConfig& config)
    : enabled_(config.enabled),
      voltage_(config.voltage),
      band_(config.band),
      outage_(config.voltage),
      bands_(band_checks(config)),
      charging_(config.charging, battery_temperature_points(config.packs, false)),
      fan_health_(config.fan_health),
      swing_(config.swing),
      ocv_(config.ocv),
      daily_(config.daily),
      slots_(config.slots) {
  if (config.fan.enabled) {
    std::vector<std::string> points = battery_temperature_points(config.packs, false);
    points.push_back("inverter.temp.ambient");
    fan_.emplace(config.fan, std::move(points));
  }
}

std::vector<Event> CheckEngine::update(const PointStore& points, WallTime now) {
  fan_change_.reset();
  if (!enabled_) return {};
  std::vector<Event> out = voltage_.update(points, now);
  auto append = [&](std::vector<Event> more) {
    out.insert(out.end(), std::make_move_iterator(more.begin()),
               std::make_move_iterator(more.end()));
  };
  append(outage_.update(points, now));
  // An interval with a voltage event or outage open is flagged, not judged against the band.
  const bool disturbed =
      voltage_.status().level != Level::kOk || outage_.status().level != Level::kOk;
  append(band_.update(points, now, disturbed));
  for (auto& b : bands_)
    append(b.update(points, now));
  append(charging_.update(points, now));
  if (fan_) fan_change_ = fan_->update(points, now);
  append(fan_health_.update(points, now));
  append(swing_.update(points, now));
  append(ocv_.update(points, now));
  append(daily_.update(points, now));
  append(slots_.update(points, now));
  return out;
}

std::vector<CheckStatus> CheckEngine::statuses() const {
  if (!enabled_) return {};
  std::vector<CheckStatus> out = {voltage_.status(), band_.status(), outage_.status()};
  for (const auto& b : bands_)
    out.push_back(b.status());
  out.push_back(charging_.status());
  if (fan_) out.push_back(fan_->status());
  out.push_back(fan_health_.status());
  out.push_back(swing_.status());
  out.push_back(ocv_.status());
  for (auto& s : daily_.statuses())
    out.push_back(std::move(s));
  out.push_back(slots_.status());
  return out;
}

std::optional<double> CheckEngine::charge_lease_a() const {
  return enabled_ ? charging_.lease_a() : std::nullopt;
}

nlohmann::json CheckEngine::memory_json() const {
  nlohmann::json fan = nlohmann::json::array();
  for (const auto& s : fan_health_.samples()) {
    fan.push_back(
        {std::chrono::duration_cast<std::chrono::seconds>(s.ts.time_since_epoch()).count(),
         s.load_w, s.rise_c});
  }
  return {{"fan_health", fan}, {"daily", daily_.to_json()}, {"slots", slots_.to_json()}};
}

void CheckEngine::restore_memory(const nlohmann::json& j) {
  if (!j.is_object()) return;
  if (j.contains("daily")) daily_.restore(j["daily"]);
  if (j.contains("slots")) slots_.restore(j["slots"]);
  if (j.contains("fan_health") && j["fan_health"].is_array()) {
    std::vector<FanSample> samples;
    for (const auto& row : j["fan_health"]) {
      if (!row.is_array() || row.size() != 3 || !row[0].is_number_integer() ||
          !row[1].is_number() || !row[2].is_number()) {
        continue;
      }
      samples.push_back({WallTime(std::chrono::seconds(row[0].get<long long>())),
                         row[1].get<double>(), row[2].get<double>()});
    }
    fan_health_.restore(std::move(samples));
  }
}

}  // namespace sb::domain::checks
