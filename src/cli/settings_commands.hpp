// SPDX-License-Identifier: Apache-2.0
// CLI commands of the profile engine and the settings writer: profile show|plan|apply,
// params set, audit, override, weather.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/cli_context.hpp"
#include "cli/period.hpp"

namespace sb::cli {

struct SettingsArgs {
  bool as_json = false;
  bool dry_run = false;
  int days = 30;
  Period audit_period{"7d", ""};
  std::string id, value, until, from, to, profile, weather = "normal", kind = "all";
  bool refresh = false;
  CLI::App* profile_show = nullptr;
  CLI::App* profile_plan = nullptr;
  CLI::App* profile_apply = nullptr;
  CLI::App* params_set = nullptr;
  CLI::App* audit = nullptr;
  CLI::App* hold = nullptr;
  CLI::App* away = nullptr;
  CLI::App* pin = nullptr;
  CLI::App* clear = nullptr;
  CLI::App* weather_cmd = nullptr;
};

// `params` is the existing "params" subcommand (params set joins params get).
void add_settings_commands(CLI::App& app, CLI::App& params, SettingsArgs& a);
// The exit code of the parsed settings command, or nullopt when none was given.
std::optional<int> run_settings_command(const Context& ctx, const SettingsArgs& a);

}  // namespace sb::cli
