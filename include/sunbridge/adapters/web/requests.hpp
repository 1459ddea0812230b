// SPDX-License-Identifier: Apache-2.0
// What the dashboard's HTTP requests ask, turned into the control API's requests (the same JSON
// the CLI sends over the control socket), with every parameter checked here first: a name, a
// number or a date the daemon does not accept gets a 400 with the reason, and nothing from a
// rejected request goes further. Pure: no HTTP library, fuzzed (fuzz/fuzz_web_requests.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sunbridge/core/result.hpp"

namespace sb::adapters::web {

// The query string's parameters, as the HTTP server decoded them.
using Query = std::multimap<std::string, std::string>;

// Chart points the page may ask for at once, and the points a chart may draw per series.
inline constexpr std::size_t kMaxHistoryPoints = 12;
inline constexpr std::size_t kMaxChartPoints = 5000;
inline constexpr std::size_t kDefaultChartPoints = 600;

// GET /api/v1/history?points=a,b&since=..&until=..&max_points=N&resolution=auto
// -> {"cmd":"history", ...} plus "max_points" (the downsampling the server applies after).
Result<nlohmann::json> history_request(const Query& q);
// GET /api/v1/events?since=..&until=..
Result<nlohmann::json> events_request(const Query& q);
// GET /api/v1/chart?kind=day|week|month&date=YYYY-MM-DD
Result<nlohmann::json> chart_request(const Query& q);
// GET /api/v1/report?period=day|week|month|year&date=YYYY-MM-DD
Result<nlohmann::json> report_request(const Query& q);
// GET /api/v1/audit?since=..
Result<nlohmann::json> audit_request(const Query& q);

// POST /api/v1/control/param {"id":"07","value":"54.0"} -> params.set, cause "web".
Result<nlohmann::json> param_request(std::string_view body);
// POST /api/v1/control/override {"kind":"hold"|"pin"|"clear", "profile", "weather", "until"}
// -> override.set / override.clear.
Result<nlohmann::json> override_request(std::string_view body);
// POST /api/v1/login {"password":"..."} -> the password.
Result<std::string> login_password(std::string_view body);

// The Last-Event-ID a reconnecting live stream sends: the id of the last value it saw.
std::optional<std::uint64_t> parse_last_event_id(std::string_view text);

// A history reply (the control API's, one row per timestamp) reduced to at most `max_points`
// rows: consecutive rows are averaged column by column (a missing value stays missing; text
// takes the last one), each at the time of its first row. The page zooms by asking again for
// the shorter period, so it never loads a year of raw points.
nlohmann::json downsample_history(nlohmann::json reply, std::size_t max_points);

}  // namespace sb::adapters::web
