// SPDX-License-Identifier: Apache-2.0
// Text rendering of the daemon's replies for humans. Pure functions: JSON in, text out, so the
// formatting is unit-tested without a daemon.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/report_text.hpp"
#include "sunbridge/core/text.hpp"

namespace sb::cli {

using sb::rtrim;
using sb::wrap_line;
// `sunbridge status`: one screen that fits 80 x 24: power flows, battery, grid legs, links, the
// active profile and what needs attention (render_status.cpp).
std::string render_status_screen(const nlohmann::json& status);
// `sunbridge status --all`: a header line and one line per point, grouped; settings are left to
// `params get`. Stale and invalid values never print as current numbers.
std::string render_status(const nlohmann::json& status);
// `sunbridge params get`: "07 50 A      max charge current PV+AC [0xE20A]".
std::string render_params(const nlohmann::json& params);
// `sunbridge history`: a table, or CSV with ISO-8601 UTC timestamps.
std::string render_history(const nlohmann::json& history, bool csv);
// `sunbridge battery`: bank summary and one line per pack; with `cells`, a cell grid where each
// pack's lowest cell is marked 'v' and highest '^' (and the bank's extremes '*').
std::string render_battery(const nlohmann::json& battery, bool cells);
// `sunbridge events`: one line per event, local time.
std::string render_events(const nlohmann::json& events);
// `sunbridge checks`: every check, its state, value and thresholds.
std::string render_checks(const nlohmann::json& reply);
// `sunbridge pq`: per leg, the share of 10-minute means within the band; events; outages.
std::string render_pq(const nlohmann::json& reply);
// `sunbridge report`: kWh and yen by tariff band, savings, KPIs; or CSV by band
// (adapters/report_text.hpp: the daemon's e-mail reports use the same text).
using adapters::render_report;
// `sunbridge maintenance list|done`: one block per item, due ones first marked.
using adapters::render_maintenance;
// `sunbridge doctor`: the survey with the daemon/port situation on top.
std::string render_doctor(const nlohmann::json& doctor);

// `sunbridge profile show` (and override replies): active profile, reason, values, overrides,
// next change. Implemented in render_settings.cpp, like the rest below.
std::string render_profile(const nlohmann::json& show);
// `sunbridge profile plan`: one line per change with the parameters that change.
std::string render_plan(const nlohmann::json& plan);
// `params set` / `profile apply`: one line per register write and its result.
std::string render_change(const nlohmann::json& change);
// `sunbridge audit`: one line per attempted change.
std::string render_audit(const nlohmann::json& audit);
// `sunbridge weather`: the forecast by day.
std::string render_forecast(const nlohmann::json& reply);

}  // namespace sb::cli
