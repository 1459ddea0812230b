// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/pack_message.hpp"

#include <algorithm>
#include <cmath>

namespace sb::domain {

namespace {

std::optional<double> number(const std::map<std::string, Point>& pts, const std::string& name) {
  auto it = pts.find(name);
  if (it == pts.end() || it->second.quality != Quality::kOk) return std::nullopt;
  const double* d = std::get_if<double>(&it->second.value);
  return d == nullptr ? std::nullopt : std::optional<double>(*d);
}

}  // namespace

double health_score(double soh_pct, std::optional<double> spread_mv, std::size_t alarms) {
  double score = std::clamp(soh_pct, 0.0, 100.0);
  if (spread_mv && *spread_mv > 20) score -= std::min(30.0, 0.5 * (*spread_mv - 20));
  if (alarms > 0) score -= 20;
  return std::round(std::clamp(score, 0.0, 100.0) * 10) / 10;
}

std::optional<PackSummary> summarize_pack(const std::map<std::string, Point>& pts, int pack) {
  const std::string p = "pack." + std::to_string(pack) + ".";
  auto soc = number(pts, p + "soc");
  auto soh = number(pts, p + "soh");
  auto volts = number(pts, p + "voltage");
  auto amps = number(pts, p + "current");
  if (!soc || !soh || !volts || !amps) return std::nullopt;
  PackSummary s;
  s.pack = pack;
  s.battery_id = "pack-" + std::to_string(pack);
  if (auto it = pts.find(p + "serial"); it != pts.end() && it->second.quality == Quality::kOk) {
    if (const auto* text = std::get_if<std::string>(&it->second.value); text && !text->empty()) {
      s.battery_id = *text;
      s.serial_known = true;
    }
  }
  s.soc_pct = *soc;
  s.power_output_w = std::round(-*volts * *amps);  // pack current > 0 = charging (points.md)
  for (int k = 1; k <= 4; ++k) {
    if (auto t = number(pts, p + "temp." + std::to_string(k))) {
      s.temperature_c = s.temperature_c ? std::max(*s.temperature_c, *t) : *t;
    }
  }
  for (int k = 1; k <= 32; ++k) {
    auto c = number(pts, p + "cell." + std::to_string(k));
    if (!c) break;
    s.cells_mv.push_back(*c);
  }
  std::optional<double> spread;
  if (!s.cells_mv.empty()) {
    auto [lo, hi] = std::minmax_element(s.cells_mv.begin(), s.cells_mv.end());
    spread = *hi - *lo;
  }
  std::size_t alarms = 0;
  if (auto it = pts.find(p + "alarms"); it != pts.end() && it->second.quality == Quality::kOk) {
    if (const auto* list = std::get_if<TextList>(&it->second.value)) alarms = list->size();
  }
  s.health_score = health_score(*soh, spread, alarms);
  return s;
}

}  // namespace sb::domain
