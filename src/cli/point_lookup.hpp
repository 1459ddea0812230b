// SPDX-License-Identifier: Apache-2.0
// The points of a daemon reply by name, for the renderers: a value only when it is current.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/point_json.hpp"

namespace sb::cli {

struct PointLookup {
  std::map<std::string, Point> points;
  explicit PointLookup(const nlohmann::json& j) {
    for (auto& p : adapters::points_from_json(j))
      points.emplace(p.name, std::move(p));
  }
  [[nodiscard]] const Point* ok(const std::string& name) const {
    auto it = points.find(name);
    return it != points.end() && it->second.quality == Quality::kOk ? &it->second : nullptr;
  }
  // The value with its unit and display precision (`decimals` overrides it); "--" when it is
  // not current.
  [[nodiscard]] std::string show(const std::string& name, int decimals = -1) const {
    const Point* p = ok(name);
    return p == nullptr ? "--"
                        : format_value(p->value, p->unit, decimals >= 0 ? decimals : p->decimals);
  }
  [[nodiscard]] std::optional<double> number(const std::string& name) const {
    const Point* p = ok(name);
    if (p == nullptr) return std::nullopt;
    const double* v = std::get_if<double>(&p->value);
    return v == nullptr ? std::nullopt : std::optional<double>(*v);
  }
};

}  // namespace sb::cli
