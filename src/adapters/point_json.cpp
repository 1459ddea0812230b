// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/point_json.hpp"

#include <algorithm>

#include "sunbridge/core/local_time.hpp"

namespace sb::adapters {

using nlohmann::json;

json value_to_json(const PointValue& value) {
  struct Visitor {
    json operator()(std::monostate) const { return nullptr; }
    json operator()(double v) const { return v; }
    json operator()(const std::string& s) const { return s; }
    json operator()(const std::vector<FaultCode>& faults) const {
      json arr = json::array();
      for (const auto& f : faults)
        arr.push_back({{"code", f.code}, {"name", f.name}, {"text", f.text}});
      return arr;
    }
    json operator()(const TextList& list) const { return list; }
  };
  return std::visit(Visitor{}, value);
}

PointValue value_from_json(const json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  if (j.is_array() && !j.empty() && j.front().is_string()) {
    TextList list;
    for (const auto& t : j) {
      if (t.is_string()) list.push_back(t.get<std::string>());
    }
    return list;
  }
  if (j.is_array()) {
    std::vector<FaultCode> faults;
    for (const auto& f : j) {
      if (!f.is_object()) continue;
      faults.push_back({f.value("code", std::uint16_t{0}), f.value("name", std::string()),
                        f.value("text", std::string())});
    }
    return faults;
  }
  return std::monostate{};
}

json point_to_json(const Point& p) {
  json j;
  const bool ok = p.quality == Quality::kOk;
  j["value"] = ok ? value_to_json(p.value) : json(nullptr);
  j["unit"] = p.unit;
  j["quality"] = to_string(p.quality);
  j["ts"] = p.ts.time_since_epoch().count() != 0 && has_value(p.value)
                ? json(format_iso8601_utc(p.ts))
                : json(nullptr);
  if (!ok && has_value(p.value)) j["last_value"] = value_to_json(p.value);
  if (!p.note.empty()) j["note"] = p.note;
  if (p.decimals >= 0) j["decimals"] = p.decimals;
  return j;
}

Point point_from_json(const std::string& name, const json& j) {
  Point p;
  p.name = name;
  p.unit = j.value("unit", "");
  const std::string q = j.value("quality", "invalid");
  p.quality = q == "ok" ? Quality::kOk : q == "stale" ? Quality::kStale : Quality::kInvalid;
  if (p.quality == Quality::kOk && j.contains("value")) {
    p.value = value_from_json(j["value"]);
  } else if (j.contains("last_value")) {
    p.value = value_from_json(j["last_value"]);
  }
  if (j.contains("ts") && j["ts"].is_string()) {
    if (auto t = parse_iso8601_utc(j["ts"].get<std::string>())) p.ts = *t;
  }
  p.note = j.value("note", "");
  if (const auto it = j.find("decimals"); it != j.end() && it->is_number_integer()) {
    p.decimals = std::clamp(it->get<int>(), -1, 6);
  }
  return p;
}

json points_to_json(const std::vector<Point>& points) {
  json out = json::object();
  for (const auto& p : points)
    out[p.name] = point_to_json(p);
  return out;
}

std::vector<Point> points_from_json(const json& j) {
  std::vector<Point> out;
  if (!j.is_object()) return out;
  for (const auto& [name, v] : j.items())
    out.push_back(point_from_json(name, v));
  return out;
}

}  // namespace sb::adapters
