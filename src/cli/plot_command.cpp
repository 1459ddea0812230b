// SPDX-License-Identifier: Apache-2.0
#include "cli/plot_command.hpp"

#include <sys/stat.h>

#include <iostream>

#include "sunbridge/adapters/run_program.hpp"

namespace sb::cli {

using nlohmann::json;

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

CLI::App* add_plot_command(CLI::App& app, PlotArgs& args) {
  auto* plot = app.add_subcommand(
      "plot",
      "draw a chart to a PNG or SVG file: a day's power and charge with the tariff bands "
      "shaded, a week of grid energy by band, a month of yen by band");
  plot->add_option("chart", args.kind, "day, week or month")
      ->required()
      ->check(CLI::IsMember({"day", "week", "month"}));
  plot->add_option("date", args.date,
                   "a day in the period, YYYY-MM-DD (default today; weeks start on Monday)");
  plot->add_option("-o,--output", args.output,
                   "the file to write (default sunbridge-CHART-DATE.png in this directory)");
  plot->add_option("--format", args.format, "png or svg (default: from the file name, else png)")
      ->check(CLI::IsMember({"png", "svg"}));
  plot->add_flag("--json", args.as_json, "print the chart's data as JSON instead of drawing it");
  return plot;
}

int run_plot(const Context& ctx, const PlotArgs& args) {
  auto reply = call(ctx, {{"cmd", "plot"}, {"kind", args.kind}, {"date", args.date}},
                    std::chrono::seconds(60));
  if (!reply) return 1;
  if (args.as_json) {
    std::cout << (*reply)["chart"].dump(2) << "\n";
    return 0;
  }
  std::string format = args.format;
  if (format.empty()) format = ends_with(args.output, ".svg") ? "svg" : "png";
  const std::string output =
      args.output.empty() ? reply->value("file_name", std::string("sunbridge-chart")) + "." + format
                          : args.output;
  const std::vector<std::string> argv = {adapters::program_beside_self("sunbridge-plot"),
                                         "--output", output, "--format", format};
  auto run = adapters::run_program(argv, (*reply)["chart"].dump(), std::chrono::seconds(60));
  if (!run) {
    std::cerr << "sunbridge: cannot draw the chart: " << run.error().detail << "\n";
    return 1;
  }
  if (run->exit_status != 0) {
    std::cerr << "sunbridge: cannot draw the chart: "
              << (run->errors.empty() ? adapters::describe_failure(argv, *run) : run->errors);
    if (!run->errors.empty() && run->errors.back() != '\n') std::cerr << "\n";
    return 1;
  }
  struct stat st {};
  ::stat(output.c_str(), &st);
  std::cout << "wrote " << output << " (" << st.st_size / 1024 << " KB)\n";
  return 0;
}

}  // namespace sb::cli
