// SPDX-License-Identifier: Apache-2.0
// `sunbridge plot day|week|month [DATE]`: asks the daemon for the chart and has sunbridge-plot
// draw it to a PNG or SVG file (docs/reports.md "Plots").
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/cli_context.hpp"

namespace sb::cli {

struct PlotArgs {
  std::string kind, date, output, format;
  bool as_json = false;
};

CLI::App* add_plot_command(CLI::App& app, PlotArgs& args);
int run_plot(const Context& ctx, const PlotArgs& args);

}  // namespace sb::cli
