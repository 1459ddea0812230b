// SPDX-License-Identifier: Apache-2.0
// The settings controller: the desired configuration from the cloud, all or nothing, and the
// reported state.
#include "sunbridge/app/settings_controller.hpp"

#include <cmath>

#include "sunbridge/adapters/profile_json.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/text.hpp"
#include "sunbridge/domain/interlocks.hpp"
#include "sunbridge/protocol/register_codec.hpp"

namespace sb::app {

using nlohmann::json;

namespace {

constexpr const char* kComponent = "settings";

}  // namespace

std::vector<std::string> SettingsController::check_desired(const adapters::DesiredConfig& d,
                                                           domain::ProfileLibrary& library,
                                                           domain::SettingValues& values) const {
  std::vector<std::string> problems;
  library = base_library_;
  for (const auto& p : d.profiles)
    library.add(p);
  const std::string mode = table_profile(d.mode.value_or(ctx_.config.profiles.mode));
  if (library.find(mode) == nullptr) {
    problems.push_back("mode: no profile named '" + mode +
                       "' (available: " + join(library.names(), ", ") + ")");
  }
  if (overrides_.pin && library.find(overrides_.pin->profile) == nullptr) {
    problems.push_back("profiles: the pinned profile '" + overrides_.pin->profile +
                       "' would no longer exist");
  }
  const auto& profile_params = domain::profile_parameters();
  for (const auto& [lcd, text] : d.values) {
    const protocol::RegisterRow* row = ctx_.map.find_lcd(lcd);
    if (row == nullptr || !row->writable() || row->group != protocol::Group::kSettings) {
      problems.push_back("values." + lcd + ": not a writable setting of the register map");
      continue;
    }
    if (std::find(profile_params.begin(), profile_params.end(), lcd) != profile_params.end()) {
      problems.push_back("values." + lcd +
                         ": the profile sets this parameter; change it with profiles and mode");
      continue;
    }
    auto v = protocol::parse_user_value(*row, text);
    if (!v) {
      problems.push_back("values." + lcd + ": " + v.error().describe());
    } else {
      values[lcd] = *v;
    }
  }
  return problems;
}

void SettingsController::apply_desired(adapters::DesiredConfig d,
                                       adapters::IpcServer::Reply reply) {
  const WallTime now = ctx_.clock.wall_now();
  domain::ProfileLibrary lib;
  domain::SettingValues values;
  if (auto problems = check_desired(d, lib, values); !problems.empty()) {
    reply({{"ok", false}, {"refused", true}, {"error", join(problems, "; ")}});
    return;
  }
  // What the schedule selects under the new configuration goes into the same transaction.
  domain::SelectionInput in = selection_input(now);
  in.library = &lib;
  in.profile = lib.find(table_profile(d.mode.value_or(ctx_.config.profiles.mode)));
  if (d.rules) in.policy = *d.rules;
  if (d.away_present) in.overrides.away = d.away;
  const domain::Selection sel = domain::select(in);
  domain::SettingValues targets = values;
  const bool with_schedule = ctx_.config.settings.apply && !sel.hold;
  if (with_schedule) {
    for (const auto& [lcd, v] : sel.values)
      targets[lcd] = v;
  }
  Change change{"remote",
                targets,
                "config/desired version " + std::to_string(d.version),
                with_schedule ? std::optional<std::string>(sel.key()) : std::nullopt,
                with_schedule ? sel.values : domain::SettingValues{},
                false,
                std::move(reply)};
  change.on_success = [this, d = std::move(d), lib = std::move(lib),
                       values = std::move(values)]() mutable {
    adopt_desired(std::move(d), std::move(lib), std::move(values), true);
  };
  submit(std::move(change));
}

void SettingsController::adopt_desired(adapters::DesiredConfig d, domain::ProfileLibrary library,
                                       domain::SettingValues values, bool persist) {
  const WallTime now = ctx_.clock.wall_now();
  library_ = std::move(library);
  profile_ = library_.find(table_profile(d.mode.value_or(ctx_.config.profiles.mode)));
  remote_values_ = std::move(values);
  if (persist && d.away_present) {
    overrides_.away = d.away;
    persist_overrides();
  }
  if (persist) {
    if (Status s = store_.put("remote.desired",
                              {{"version", d.version},
                               {"document", d.document},
                               {"applied_at", format_iso8601_utc(now)}},
                              now);
        !s) {
      ctx_.log.error(kComponent, "cannot store the desired configuration: " + s.error().describe());
    }
  }
  desired_ = std::move(d);
  if (on_desired_adopted_) on_desired_adopted_(*desired_);
}

nlohmann::json SettingsController::reported_json() {
  const WallTime now = ctx_.clock.wall_now();
  const domain::Selection sel = evaluate(now);
  json settings = json::object();
  for (const protocol::RegisterRow* row : ctx_.map.settings_by_lcd()) {
    auto p = ctx_.points.get(row->name, now);
    settings[row->name] =
        p && p->quality == Quality::kOk ? adapters::setting_to_json(p->value) : json(nullptr);
  }
  return {{"version", desired_ ? json(desired_->version) : json(nullptr)},
          {"mode", auto_mode() ? std::string("auto") : profile_->name()},
          {"profile.active", sel.key()},
          {"reason", sel.reason},
          {"overrides", adapters::overrides_to_json(overrides_)},
          {"drift_policy", reassert_drift() ? "reassert" : "report"},
          {"settings", settings}};
}

}  // namespace sb::app
