// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/settings_controller.hpp"

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "sunbridge/adapters/profile_json.hpp"
#include "sunbridge/app/data_files.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/text.hpp"
#include "sunbridge/domain/interlocks.hpp"
#include "sunbridge/embedded.hpp"
#include "sunbridge/protocol/register_codec.hpp"

namespace sb::app {

using nlohmann::json;

namespace {

constexpr const char* kComponent = "settings";

const std::vector<std::pair<const char*, std::string_view (*)()>>& shipped_profiles() {
  static const std::vector<std::pair<const char*, std::string_view (*)()>> kFiles = {
      {"type-b.json", &sb::embedded::profile_type_b},
      {"type-a.json", &sb::embedded::profile_type_a},
      {"type-a-monthly.json", &sb::embedded::profile_type_a_monthly},
      {"panels-9.json", &sb::embedded::profile_panels_9},
  };
  return kFiles;
}

// Why the schedule's target moved: the first selection, a new season (or profile), or the end
// of a weather spell. `before` is the previously applied key ("type-a/summer/sunny").
std::string schedule_cause(const std::string& before, const domain::Selection& now) {
  if (before.empty()) return "schedule";
  const auto first = before.find('/');
  const auto last = before.rfind('/');
  if (before.substr(0, first) != now.profile) return "schedule";
  if (last != first && before.substr(last + 1) != "normal") return "weather";
  return "season";
}

// The schedule's values under a charge-current lease: LCD 07 no higher than the lease.
domain::SettingValues capped(domain::SettingValues values, std::optional<double> lease_a) {
  if (!lease_a) return values;
  auto it = values.find("07");
  if (it == values.end()) return values;
  if (const double* a = std::get_if<double>(&it->second); a && *a > *lease_a) it->second = *lease_a;
  return values;
}

}  // namespace

std::string table_profile(const std::string& mode) {
  return mode == "auto" ? "type-b" : mode;
}

domain::ProfileLibrary load_profile_library(const std::string& directory) {
  domain::ProfileLibrary lib;
  std::string problems;
  auto add = [&](std::string_view text, const std::string& source) {
    schema::Issues issues;
    auto p = domain::Profile::from_json(text, issues);
    if (p) {
      lib.add(std::move(*p));
    } else {
      problems += schema::format_issues(issues, source) + "\n";
    }
  };
  for (const auto& [file, text] : shipped_profiles())
    add(text(), std::string("embedded ") + file);
  if (!directory.empty()) {
    for (const auto& f : json_files_in(directory, "profiles.directory")) {
      // The baseline is not a profile; it is read on its own (profiles.baseline).
      if (std::filesystem::path(f).filename() != "baseline.json") add(read_text_file(f), f);
    }
  }
  if (!problems.empty()) throw std::runtime_error("invalid profile:\n" + problems);
  return lib;
}

domain::Baseline load_baseline(const std::string& path) {
  const std::string text =
      path.empty() ? std::string(sb::embedded::profile_baseline()) : read_text_file(path);
  schema::Issues issues;
  auto b = domain::Baseline::from_json(text, issues);
  if (!b) {
    throw std::runtime_error(
        "invalid baseline:\n" +
        schema::format_issues(issues, path.empty() ? "embedded baseline.json" : path));
  }
  return std::move(*b);
}

SettingsController::SettingsController(SettingsContext ctx)
    : ctx_(ctx),
      store_(ctx.history.db()),
      base_library_(load_profile_library(ctx.config.profiles.directory)),
      library_(base_library_),
      baseline_(load_baseline(ctx.config.profiles.baseline_path)) {
  profile_ = library_.find(table_profile(ctx_.config.profiles.mode));
  if (profile_ == nullptr) {
    throw std::runtime_error("profiles.mode: no profile named '" + ctx_.config.profiles.mode +
                             "' (available: " + join(library_.names(), ", ") + ")");
  }
  for (const auto& [lcd, v] : baseline_.values) {
    if (ctx_.map.find_lcd(lcd) == nullptr) {
      throw std::runtime_error("baseline parameter " + lcd + " is not in the register map");
    }
  }
  // Persisted state: a restart must not forget overrides, hysteresis or what was written.
  auto load = [&](const char* key) -> std::optional<json> {
    auto v = store_.get(key);
    if (!v) {
      ctx_.log.warn(kComponent,
                    std::string("cannot read stored ") + key + ": " + v.error().describe());
      return std::nullopt;
    }
    return *v;
  };
  if (auto o = load("profiles.overrides")) {
    if (auto parsed = adapters::overrides_from_json(*o)) {
      overrides_ = *parsed;
    } else {
      ctx_.log.warn(kComponent, "stored overrides ignored: " + parsed.error().describe());
    }
  }
  if (auto m = load("profiles.weather_memory")) memory_ = adapters::memory_from_json(*m);
  if (auto f = load("weather.forecast")) {
    if (auto parsed = adapters::forecast_from_json(*f)) forecast_ = *parsed;
  }
  if (auto w = load("settings.last_written"); w && w->is_object()) last_written_ = *w;
  if (auto a = load("settings.applied"); a && a->is_object()) applied_ = *a;
  if (auto c = load("settings.clock_synced_at"); c && c->is_string()) {
    clock_synced_at_ = parse_iso8601_utc(c->get<std::string>());
  }
  // The last desired configuration from the cloud: the gateway keeps following it while the
  // cloud is unreachable. It was checked when it arrived; a newer build may judge it otherwise.
  if (auto r = load("remote.desired"); r && r->is_object()) {
    schema::Issues issues;
    auto d = adapters::parse_desired((*r)["document"], issues);
    domain::ProfileLibrary lib;
    domain::SettingValues values;
    std::vector<std::string> problems;
    if (d) problems = check_desired(*d, lib, values);
    if (!d || !problems.empty()) {
      ctx_.log.warn(kComponent, "stored desired configuration ignored: " +
                                    (d ? join(problems, "; ") : schema::format_issues(issues)));
    } else {
      adopt_desired(std::move(*d), std::move(lib), std::move(values), false);
    }
  }
  load_auto_choice();
}

const domain::WeatherPolicy& SettingsController::rules() const {
  return desired_ && desired_->rules ? *desired_->rules : ctx_.config.profiles.rules;
}

bool SettingsController::reassert_drift() const {
  return desired_ && desired_->reassert_drift ? *desired_->reassert_drift
                                              : ctx_.config.settings.reassert_drift;
}

domain::SelectionInput SettingsController::selection_input(WallTime now) const {
  domain::SelectionInput in;
  in.now = now;
  in.profile = profile_;
  in.library = &library_;
  in.forecast = forecast_ ? &*forecast_ : nullptr;
  in.overrides = overrides_;
  in.memory = memory_;
  in.policy = rules();
  return in;
}

domain::Selection SettingsController::evaluate(WallTime now) const {
  domain::Selection sel = domain::select(selection_input(now));
  overlay_auto(sel);
  return sel;
}

std::string SettingsController::today(WallTime now) const {
  return domain::format_date(domain::local_date(now));
}

std::optional<domain::SettingValues> SettingsController::current(
    const std::vector<std::string>& lcds, WallTime now) const {
  domain::SettingValues out;
  for (const std::string& lcd : lcds) {
    const protocol::RegisterRow* row = ctx_.map.find_lcd(lcd);
    if (row == nullptr) return std::nullopt;
    auto p = ctx_.points.get(row->name, now);
    if (!p || p->quality != Quality::kOk) return std::nullopt;
    out[lcd] = p->value;
  }
  return out;
}

void SettingsController::raise(const std::string& kind, Severity severity,
                               const std::string& message,
                               std::map<std::string, std::string> details) {
  Event e{ctx_.clock.wall_now(), kind, severity, message, std::move(details)};
  if (Status s = ctx_.history.record_event(e); !s) {
    ctx_.log.error(kComponent, "cannot store event: " + s.error().describe());
  }
  if (severity == Severity::kInfo) {
    ctx_.log.info(kComponent, message);
  } else {
    ctx_.log.warn(kComponent, message);
  }
}

void SettingsController::persist_overrides() {
  if (Status s = store_.put("profiles.overrides", adapters::overrides_to_json(overrides_),
                            ctx_.clock.wall_now());
      !s) {
    ctx_.log.error(kComponent, "cannot store overrides: " + s.error().describe());
  }
}

void SettingsController::publish_active(const domain::Selection& s, WallTime now) {
  ctx_.points.set(Point{"profile.active", s.key(), "", Quality::kOk, now, s.reason});
}

void SettingsController::on_forecast(domain::Forecast forecast) {
  forecast_ = std::move(forecast);
  if (Status s = store_.put("weather.forecast", adapters::forecast_to_json(*forecast_),
                            ctx_.clock.wall_now());
      !s) {
    ctx_.log.error(kComponent, "cannot cache the forecast: " + s.error().describe());
  }
}

void SettingsController::on_forecast_attempt_done() {
  forecast_pending_ = false;
  // What waited for the forecast, or was chosen without one, is decided now, not at the next
  // settings poll.
  run_schedule(ctx_.clock.wall_now());
}

void SettingsController::on_settings_poll() {
  const WallTime now = ctx_.clock.wall_now();
  check_clock(now);
  check_drift(now);
  run_schedule(now);
}

void SettingsController::set_charge_lease(std::optional<double> amps) {
  if (amps == charge_lease_a_) return;
  charge_lease_a_ = amps;
  ctx_.log.info(kComponent, amps ? "charge current lease: LCD 07 at most " +
                                       domain::format_setting(*amps) + " A"
                                 : std::string("charge current lease ended"));
  run_schedule(ctx_.clock.wall_now());  // a derating does not wait for the next settings poll
}

void SettingsController::run_schedule(WallTime now) {
  const CivilTime local = to_local_civil(now);
  overrides_.expire(now, domain::served_day(local));
  decide_auto(now);
  const domain::Selection sel = evaluate(now);
  if (!(sel.memory == memory_)) {
    memory_ = sel.memory;
    (void)store_.put("profiles.weather_memory", adapters::memory_to_json(memory_), now);
  }
  publish_active(sel, now);
  if (!ctx_.config.settings.apply || sel.hold || busy_) return;
  // Weather rows wait for the first forecast since start; a change of the charge-current
  // lease (temperatures) does not.
  if (forecast_pending_ && sel.weather_rows && charge_lease_a_ == applied_charge_lease_a_) return;
  // The season and the weather day are read off the clock: a wrong one picks wrong rows. A
  // charge-current lease is about temperatures, not dates: it lowers LCD 07 even then.
  if (!ctx_.time.trusted()) {
    auto cur = current({"07"}, now);
    if (!charge_lease_a_ || !cur) return;
    const domain::SettingValues want = capped(*cur, charge_lease_a_);
    if (!domain::same_setting(want.at("07"), cur->at("07"))) {
      submit(Change{"thermal",
                    want,
                    "charge derating (temperature), clock not yet trusted",
                    std::nullopt,
                    {},
                    false,
                    {}});
    }
    return;
  }
  if (retry_not_before_ && now < *retry_not_before_) return;

  auto cur = current(domain::profile_parameters(), now);
  if (!cur) return;  // wait for a settings poll: nothing is written on a guess
  const domain::SettingValues values = capped(sel.values, charge_lease_a_);
  domain::SettingValues differing;
  for (const auto& [lcd, v] : values) {
    if (!domain::same_setting((*cur)[lcd], v)) differing[lcd] = v;
  }
  const json target = adapters::settings_to_json(values);
  const bool target_changed =
      applied_.value("key", "") != sel.key() || applied_.value("values", json()) != target;
  if (target_changed) {
    const bool thermal = charge_lease_a_ != applied_charge_lease_a_;
    const std::string cause = thermal ? "thermal"
                              : sel.source == "schedule"
                                  ? schedule_cause(applied_.value("key", ""), sel)
                                  : sel.source;  // override / weather
    const std::string reason =
        !thermal ? sel.reason
        : charge_lease_a_
            ? "charge derating (temperature): LCD 07 at most " +
                  domain::format_setting(*charge_lease_a_) + " A; " + sel.reason
            : "temperatures back in band: the profile's charge current; " + sel.reason;
    auto on_success = [this, lease = charge_lease_a_] { applied_charge_lease_a_ = lease; };
    if (differing.empty()) {
      applied_ = {{"key", sel.key()}, {"values", target}, {"at", format_iso8601_utc(now)}};
      applied_charge_lease_a_ = charge_lease_a_;
      (void)store_.put("settings.applied", applied_, now);
      ctx_.log.info(kComponent, sel.key() + " is active; the inverter already holds its values");
      return;
    }
    submit(Change{cause, differing, reason, sel.key(), values, false, {}, on_success});
  } else if (reassert_drift() && !differing.empty()) {
    submit(Change{
        "drift", differing, "drift_policy reassert: " + sel.key(), std::nullopt, {}, false, {}});
  }
}

void SettingsController::check_drift(WallTime now) {
  if (busy_) return;  // values are in flux during a transaction
  auto report = [&](const std::string& key, const std::string& lcd, const PointValue& expected,
                    const char* kind, const char* what) {
    auto cur = current({lcd}, now);
    if (!cur) return;
    const PointValue& actual = cur->at(lcd);
    if (domain::same_setting(actual, expected)) {
      drift_reported_.erase(key);
      return;
    }
    const std::string shown = domain::format_setting(actual);
    auto it = drift_reported_.find(key);
    if (it != drift_reported_.end() && it->second == shown) return;  // already reported
    drift_reported_[key] = shown;
    raise(kind, Severity::kWarning,
          "parameter " + lcd + " is " + shown + " on the inverter, " + what + " " +
              domain::format_setting(expected) + " (changed on the LCD?)",
          {{"param", lcd}, {"inverter", shown}, {"expected", domain::format_setting(expected)}});
  };
  for (const auto& [lcd, v] : last_written_.items()) {
    report("w" + lcd, lcd, adapters::setting_from_json(v), "settings.drift",
           "the gateway last wrote");
  }
  for (const auto& [lcd, v] : baseline_.values) {
    if (remote_values_.count(lcd) > 0) continue;  // the desired configuration set it
    report("b" + lcd, lcd, v, "settings.baseline_drift", "the baseline says");
  }
}

}  // namespace sb::app
