// SPDX-License-Identifier: Apache-2.0
// Reports as text for people: what `sunbridge report` prints and what the daily and weekly
// e-mails say (docs/reports.md). Pure: the daemon's report JSON in, 80-column text out.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace sb::adapters {

// kWh and yen by tariff band, savings, KPIs; or CSV by band.
std::string render_report(const nlohmann::json& report, bool csv);
// `sunbridge maintenance list|done`: one block per item, due ones first marked.
std::string render_maintenance(const nlohmann::json& reply);

}  // namespace sb::adapters
