// SPDX-License-Identifier: Apache-2.0
#include "cli/settings_commands.hpp"

#include <iostream>

#include "cli/interrupt.hpp"
#include "cli/render.hpp"
#include "sunbridge/adapters/ipc_client.hpp"

namespace sb::cli {

using nlohmann::json;

namespace {

// A settings change prints its steps even when it failed (what was rolled back matters).
int print_change(const Context& ctx, const json& request, bool as_json) {
  const bool writes = !request.value("dry_run", false);
  set_change_pending(writes);
  auto reply = adapters::ipc_call(ctx.socket, request, ctx.change_wait);
  set_change_pending(false);
  if (!reply) {
    if (writes && reply.error().kind == ErrorKind::kTimeout) {
      std::cerr << pending_change_note();
      return 3;
    }
    std::cerr << "sunbridge: " << reply.error().detail << "\n";
    return 1;
  }
  if (as_json) {
    std::cout << reply->dump(2) << "\n";
  } else {
    std::cout << render_change(*reply);
  }
  return reply->value("ok", false) ? 0 : 1;
}

int print(const Context& ctx, const json& request, bool as_json,
          std::string (*render)(const json&)) {
  auto reply = call(ctx, request, std::chrono::seconds(30));
  if (!reply) return 1;
  if (as_json) {
    std::cout << reply->dump(2) << "\n";
  } else {
    std::cout << render(*reply);
  }
  return 0;
}

}  // namespace

void add_settings_commands(CLI::App& app, CLI::App& params, SettingsArgs& a) {
  auto* profile = app.add_subcommand("profile", "the active settings profile and its schedule");
  profile->require_subcommand(1);
  a.profile_show = profile->add_subcommand("show", "active profile, reason, next scheduled change");
  a.profile_show->add_flag("--json", a.as_json);
  a.profile_plan = profile->add_subcommand("plan", "what would change when, as a table");
  a.profile_plan->add_option("--days", a.days, "how far ahead (1-400)")->check(CLI::Range(1, 400));
  a.profile_plan->add_flag("--json", a.as_json);
  a.profile_apply = profile->add_subcommand("apply", "write the active profile's values now");
  a.profile_apply->add_flag("--dry-run", a.dry_run, "print the exact register writes only");
  a.profile_apply->add_flag("--json", a.as_json);

  a.params_set =
      params.add_subcommand("set", "set one LCD parameter (validated, budgeted, audited)");
  a.params_set->add_option("id", a.id, "LCD parameter ID, e.g. 07")->required();
  a.params_set->add_option("value", a.value, "value in the LCD's unit: 60, 03:00, SBU")->required();
  a.params_set->add_flag("--dry-run", a.dry_run, "print the register write only");
  a.params_set->add_flag("--json", a.as_json);

  a.audit = app.add_subcommand("audit", "every attempted settings change");
  sb::cli::add_period_options(*a.audit, a.audit_period);
  a.audit->add_flag("--json", a.as_json);

  auto* over = app.add_subcommand("override", "hold, away or pin, each with an end");
  over->require_subcommand(1);
  a.hold = over->add_subcommand("hold", "keep the inverter's current values until a time");
  a.hold->add_option("--until", a.until, "a time (2026-12-01 06:00), date or duration (12h)")
      ->required();
  a.away = over->add_subcommand("away", "away 3+ days: energy-saving (sunny) row");
  a.away->add_option("--from", a.from, "first day away, YYYY-MM-DD")->required();
  a.away->add_option("--to", a.to, "last day away, YYYY-MM-DD")->required();
  a.pin = over->add_subcommand("pin", "use one profile (and weather row) until a time");
  a.pin->add_option("profile", a.profile, "profile name, e.g. type-a")->required();
  a.pin->add_option("--weather", a.weather, "normal, sunny or rainy");
  a.pin->add_option("--until", a.until, "a time, date or duration")->required();
  a.clear = over->add_subcommand("clear", "end overrides now (back to the schedule)");
  a.clear->add_option("kind", a.kind, "hold, away, pin or all");
  for (CLI::App* c : {a.hold, a.away, a.pin, a.clear})
    c->add_flag("--json", a.as_json);

  a.weather_cmd = app.add_subcommand("weather", "the forecast the profile engine uses");
  a.weather_cmd->add_flag("--refresh", a.refresh, "fetch now");
  a.weather_cmd->add_flag("--json", a.as_json);
}

std::optional<int> run_settings_command(const Context& ctx, const SettingsArgs& a) {
  if (a.profile_show->parsed())
    return print(ctx, {{"cmd", "profile.show"}}, a.as_json, render_profile);
  if (a.profile_plan->parsed()) {
    return print(ctx, {{"cmd", "profile.plan"}, {"days", a.days}}, a.as_json, render_plan);
  }
  if (a.profile_apply->parsed()) {
    return print_change(ctx, {{"cmd", "profile.apply"}, {"dry_run", a.dry_run}}, a.as_json);
  }
  if (a.params_set->parsed()) {
    return print_change(
        ctx, {{"cmd", "params.set"}, {"id", a.id}, {"value", a.value}, {"dry_run", a.dry_run}},
        a.as_json);
  }
  if (a.audit->parsed()) {
    json request = {{"cmd", "audit"}};
    if (!put_period(a.audit_period, request)) return 2;
    return print(ctx, request, a.as_json, render_audit);
  }
  if (a.hold->parsed()) {
    return print(ctx, {{"cmd", "override.set"}, {"kind", "hold"}, {"until", a.until}}, a.as_json,
                 render_profile);
  }
  if (a.away->parsed()) {
    return print(ctx, {{"cmd", "override.set"}, {"kind", "away"}, {"from", a.from}, {"to", a.to}},
                 a.as_json, render_profile);
  }
  if (a.pin->parsed()) {
    return print(ctx,
                 {{"cmd", "override.set"},
                  {"kind", "pin"},
                  {"profile", a.profile},
                  {"weather", a.weather},
                  {"until", a.until}},
                 a.as_json, render_profile);
  }
  if (a.clear->parsed()) {
    return print(ctx, {{"cmd", "override.clear"}, {"kind", a.kind}}, a.as_json, render_profile);
  }
  if (a.weather_cmd->parsed()) {
    if (a.refresh) return print(ctx, {{"cmd", "weather.refresh"}}, a.as_json, render_forecast);
    return print(ctx, {{"cmd", "profile.show"}}, a.as_json, render_forecast);
  }
  return std::nullopt;
}

}  // namespace sb::cli
