// SPDX-License-Identifier: Apache-2.0
// Points as JSON, the same shape everywhere (CLI --json, IPC, MQTT payloads):
//   "battery.soc": {"value": 56, "unit": "%", "quality": "ok", "ts": "2026-11-22T01:00:00.000Z"}
// A stale or invalid point has "value": null; a stale one keeps "last_value" and its "ts".
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sunbridge/core/point.hpp"

namespace sb::adapters {

nlohmann::json value_to_json(const PointValue& value);
PointValue value_from_json(const nlohmann::json& j);

nlohmann::json point_to_json(const Point& p);
// Reads what point_to_json wrote (the name comes from the enclosing object's key).
Point point_from_json(const std::string& name, const nlohmann::json& j);

nlohmann::json points_to_json(const std::vector<Point>& points);
std::vector<Point> points_from_json(const nlohmann::json& j);

}  // namespace sb::adapters
