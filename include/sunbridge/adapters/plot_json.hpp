// SPDX-License-Identifier: Apache-2.0
// The chart description (domain/plot_spec.hpp) as JSON: what the daemon sends the CLI and what
// sunbridge-plot reads on its standard input. The reader checks everything (sizes, finite
// numbers, known colours, limits) and names every problem, so the drawing code gets only a sound
// description.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "sunbridge/core/result.hpp"
#include "sunbridge/domain/plot_spec.hpp"

namespace sb::adapters {

nlohmann::json plot_spec_to_json(const domain::PlotSpec& spec);
Result<domain::PlotSpec> plot_spec_from_json(const nlohmann::json& j);
// Parses text first; malformed JSON is an error value, never an exception.
Result<domain::PlotSpec> plot_spec_from_text(std::string_view text);

}  // namespace sb::adapters
