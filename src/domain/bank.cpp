// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/bank.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace sb::domain {

namespace {

std::optional<double> fresh_number(const PointStore& s, const std::string& name, WallTime now,
                                   WallTime& oldest) {
  auto p = s.get(name, now);
  if (!p || p->quality != Quality::kOk) return std::nullopt;
  const double* v = std::get_if<double>(&p->value);
  if (v == nullptr) return std::nullopt;
  oldest = std::min(oldest, p->ts);
  return *v;
}

std::string pack_name(int pack, const std::string& field) {
  return "pack." + std::to_string(pack) + "." + field;
}

double round3(double v) {
  return std::round(v * 1000.0) / 1000.0 + 0.0;
}

}  // namespace

std::vector<Point> compute_bank(const PointStore& store, const std::vector<int>& packs,
                                WallTime now) {
  WallTime oldest = WallTime::max();
  int online = 0;
  std::vector<int> missing;
  double weighted_soc = 0, weights = 0, current = 0, remaining = 0, full = 0, voltage = 0;
  bool have_full = true;
  double cell_min = std::numeric_limits<double>::max(),
         cell_max = std::numeric_limits<double>::lowest();
  std::string cell_min_at, cell_max_at;
  double temp_min = std::numeric_limits<double>::max(),
         temp_max = std::numeric_limits<double>::lowest();
  TextList protection;

  for (int pack : packs) {
    // Protection is reported whatever else is missing: it is the one thing not to hide.
    if (auto alarms = store.get(pack_name(pack, "alarms"), now);
        alarms && alarms->quality == Quality::kOk) {
      if (const auto* list = std::get_if<TextList>(&alarms->value)) {
        for (const auto& a : *list) {
          if (a.rfind("protection: ", 0) == 0) {
            protection.push_back("pack " + std::to_string(pack) + ": " + a.substr(12));
          }
        }
      }
    }
    auto soc = fresh_number(store, pack_name(pack, "soc"), now, oldest);
    auto cur = fresh_number(store, pack_name(pack, "current"), now, oldest);
    auto volt = fresh_number(store, pack_name(pack, "voltage"), now, oldest);
    if (!soc || !cur || !volt) {
      missing.push_back(pack);
      continue;
    }
    ++online;
    auto pack_full = fresh_number(store, pack_name(pack, "full"), now, oldest);
    auto pack_remaining = fresh_number(store, pack_name(pack, "remaining"), now, oldest);
    const double w = pack_full.value_or(1.0);
    have_full = have_full && pack_full && pack_remaining;
    weighted_soc += *soc * w;
    weights += w;
    current += *cur;
    voltage += *volt;
    remaining += pack_remaining.value_or(0);
    full += pack_full.value_or(0);
    for (int cell = 1;; ++cell) {
      auto mv = fresh_number(store, pack_name(pack, "cell." + std::to_string(cell)), now, oldest);
      if (!mv) break;
      const std::string at = "pack " + std::to_string(pack) + " cell " + std::to_string(cell);
      if (*mv < cell_min) cell_min = *mv, cell_min_at = at;
      if (*mv > cell_max) cell_max = *mv, cell_max_at = at;
    }
    for (int sensor = 1; sensor <= 4; ++sensor) {
      if (auto t =
              fresh_number(store, pack_name(pack, "temp." + std::to_string(sensor)), now, oldest)) {
        temp_min = std::min(temp_min, *t);
        temp_max = std::max(temp_max, *t);
      }
    }
  }

  std::vector<Point> out;
  const WallTime ts = oldest == WallTime::max() ? now : oldest;
  out.push_back(
      Point{"bank.packs_online", static_cast<double>(online), "", Quality::kOk, now, {}, 0});
  out.push_back(Point{"bank.protection", protection, "", Quality::kOk, now, {}});
  const bool complete = missing.empty() && online > 0;
  std::string why;
  for (int m : missing)
    why += (why.empty() ? "pack " : ", ") + std::to_string(m);
  why = online == 0 ? "no pack online" : why + " not online: bank incomplete";
  // Shown with the packs' resolution (a mean of SOC in whole percent is 1 decimal).
  auto add = [&](const std::string& name, std::optional<PointValue> v, const std::string& unit,
                 int decimals) {
    if (complete && v) {
      out.push_back(Point{name, std::move(*v), unit, Quality::kOk, ts, {}, decimals});
    } else {
      out.push_back(Point{name, {}, unit, Quality::kInvalid, {}, complete ? "no data" : why});
    }
  };
  const bool cells = cell_min <= cell_max;
  const bool temps = temp_min <= temp_max;
  add("bank.soc",
      weights > 0 ? std::optional<PointValue>(round3(weighted_soc / weights)) : std::nullopt, "%",
      1);
  add("bank.current", round3(current), "A", 2);
  add("bank.voltage",
      online > 0 ? std::optional<PointValue>(round3(voltage / online)) : std::nullopt, "V", 2);
  add("bank.power",
      online > 0 ? std::optional<PointValue>(round3(voltage / online * current)) : std::nullopt,
      "W", 0);
  add("bank.remaining", have_full ? std::optional<PointValue>(round3(remaining)) : std::nullopt,
      "Ah", 1);
  add("bank.full", have_full ? std::optional<PointValue>(round3(full)) : std::nullopt, "Ah", 1);
  add("bank.cell.min", cells ? std::optional<PointValue>(cell_min) : std::nullopt, "mV", 0);
  add("bank.cell.max", cells ? std::optional<PointValue>(cell_max) : std::nullopt, "mV", 0);
  add("bank.cell.spread", cells ? std::optional<PointValue>(cell_max - cell_min) : std::nullopt,
      "mV", 0);
  add("bank.cell.min_at", cells ? std::optional<PointValue>(cell_min_at) : std::nullopt, "", -1);
  add("bank.cell.max_at", cells ? std::optional<PointValue>(cell_max_at) : std::nullopt, "", -1);
  add("bank.temp.min", temps ? std::optional<PointValue>(temp_min) : std::nullopt, "C", 1);
  add("bank.temp.max", temps ? std::optional<PointValue>(temp_max) : std::nullopt, "C", 1);
  return out;
}

}  // namespace sb::domain
