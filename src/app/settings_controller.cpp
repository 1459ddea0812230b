// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/settings_controller.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sunbridge/adapters/profile_json.hpp"
#include "sunbridge/core/local_time.hpp"
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

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts)
    out += (out.empty() ? "" : sep) + p;
  return out;
}

// What the bus job reports back besides the transaction itself.
struct JobOutcome {
  device::TransactionReport report;
  std::vector<std::string> old_texts;       // per step, in the LCD's unit
  std::vector<std::string> readback_texts;  // per step, "" when not read
};

std::string decode_text(const protocol::RegisterRow& row,
                        const std::optional<std::vector<std::uint16_t>>& words,
                        const protocol::DecodeContext& ctx) {
  if (!words) return "";
  auto v = protocol::decode(row, *words, ctx);
  return v ? domain::format_setting(*v) : "raw " + std::to_string((*words)[0]);
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

}  // namespace

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
    std::error_code ec;
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
      if (entry.path().extension() == ".json" && entry.path().filename() != "baseline.json") {
        files.push_back(entry.path().string());
      }
    }
    if (ec) throw std::runtime_error("profiles.directory " + directory + ": " + ec.message());
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
      add(read_file(f), f);
  }
  if (!problems.empty()) throw std::runtime_error("invalid profile:\n" + problems);
  return lib;
}

domain::Baseline load_baseline(const std::string& path) {
  const std::string text =
      path.empty() ? std::string(sb::embedded::profile_baseline()) : read_file(path);
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
  profile_ = library_.find(ctx_.config.profiles.mode);
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
}

const domain::WeatherPolicy& SettingsController::rules() const {
  return desired_ && desired_->rules ? *desired_->rules : ctx_.config.profiles.rules;
}

bool SettingsController::reassert_drift() const {
  return desired_ && desired_->reassert_drift ? *desired_->reassert_drift
                                              : ctx_.config.settings.reassert_drift;
}

std::vector<std::string> SettingsController::check_desired(const adapters::DesiredConfig& d,
                                                           domain::ProfileLibrary& library,
                                                           domain::SettingValues& values) const {
  std::vector<std::string> problems;
  library = base_library_;
  for (const auto& p : d.profiles)
    library.add(p);
  const std::string mode = d.mode.value_or(ctx_.config.profiles.mode);
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
  in.profile = lib.find(d.mode.value_or(ctx_.config.profiles.mode));
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
  profile_ = library_.find(d.mode.value_or(ctx_.config.profiles.mode));
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
          {"mode", profile_->name()},
          {"profile.active", sel.key()},
          {"reason", sel.reason},
          {"overrides", adapters::overrides_to_json(overrides_)},
          {"drift_policy", reassert_drift() ? "reassert" : "report"},
          {"settings", settings}};
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
  return domain::select(selection_input(now));
}

std::string SettingsController::today(WallTime now) const {
  const CivilTime c = to_local_civil(now);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
  return buf;
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

void SettingsController::on_settings_poll() {
  const WallTime now = ctx_.clock.wall_now();
  check_clock(now);
  check_drift(now);
  run_schedule(now);
}

void SettingsController::run_schedule(WallTime now) {
  const CivilTime local = to_local_civil(now);
  overrides_.expire(now, domain::served_day(local));
  const domain::Selection sel = evaluate(now);
  if (!(sel.memory == memory_)) {
    memory_ = sel.memory;
    (void)store_.put("profiles.weather_memory", adapters::memory_to_json(memory_), now);
  }
  publish_active(sel, now);
  if (!ctx_.config.settings.apply || sel.hold || busy_) return;
  // The season and the weather day are read off the clock: a wrong one picks wrong rows.
  if (!ctx_.time.trusted()) return;
  if (retry_not_before_ && now < *retry_not_before_) return;

  auto cur = current(domain::profile_parameters(), now);
  if (!cur) return;  // wait for a settings poll: nothing is written on a guess
  domain::SettingValues differing;
  for (const auto& [lcd, v] : sel.values) {
    if (!domain::same_setting((*cur)[lcd], v)) differing[lcd] = v;
  }
  const json target = adapters::settings_to_json(sel.values);
  const bool target_changed =
      applied_.value("key", "") != sel.key() || applied_.value("values", json()) != target;
  if (target_changed) {
    const std::string cause = sel.source == "schedule"
                                  ? schedule_cause(applied_.value("key", ""), sel)
                                  : sel.source;  // override / weather
    if (differing.empty()) {
      applied_ = {{"key", sel.key()}, {"values", target}, {"at", format_iso8601_utc(now)}};
      (void)store_.put("settings.applied", applied_, now);
      ctx_.log.info(kComponent, sel.key() + " is active; the inverter already holds its values");
      return;
    }
    submit(Change{cause, differing, sel.reason, sel.key(), sel.values, false, {}});
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

void SettingsController::check_clock(WallTime now) {
  // An unsynchronised gateway would write its own wrong time into the inverter.
  if (!ctx_.config.settings.clock_sync || clock_in_flight_ || !ctx_.time.trusted()) return;
  const std::optional<double> s = clock_skew_s(now);
  if (!s || std::fabs(*s) <= static_cast<double>(ctx_.config.settings.clock_max_skew.count())) {
    return;
  }
  if (clock_synced_at_ && now - *clock_synced_at_ < ctx_.config.settings.clock_min_interval &&
      now >= *clock_synced_at_) {
    return;  // rate-limited: a clock that keeps drifting is a fault to report, not to chase
  }
  sync_clock(*s, nullptr);
}

std::optional<double> SettingsController::clock_skew_s(WallTime now) const {
  auto skew = ctx_.points.get("inverter.clock_skew", now);
  if (!skew || skew->quality != Quality::kOk) return std::nullopt;
  const double* s = std::get_if<double>(&skew->value);
  return s ? std::optional<double>(*s) : std::nullopt;
}

void SettingsController::sync_clock(std::optional<double> skew_s,
                                    adapters::IpcServer::Reply reply) {
  const protocol::RegisterRow* row = ctx_.map.find("inverter.clock");
  if (row == nullptr) {
    if (reply) reply({{"ok", false}, {"error", "the register map has no inverter.clock"}});
    return;
  }
  clock_in_flight_ = true;
  const std::uint16_t address = row->address;
  ctx_.bus.submit([this, address, skew_s, reply] {
    // The time is taken on the bus thread, just before the write.
    auto words = protocol::encode_clock(to_local_civil(ctx_.clock.wall_now()));
    std::string error;
    std::string readback;
    if (!words) {
      error = words.error().describe();
    } else if (Status w = ctx_.link.write_registers(address, *words); !w) {
      error = w.error().describe();
    } else if (auto back = ctx_.link.read_registers(address, 3); !back) {
      error = "read-back failed: " + back.error().describe();
    } else if (auto t = protocol::decode_clock(*back); t) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", t->year, t->month, t->day,
                    t->hour, t->minute, t->second);
      readback = buf;
    }
    ctx_.loop.post([this, address, skew_s, error, readback, reply] {
      clock_in_flight_ = false;
      const WallTime done = ctx_.clock.wall_now();
      clock_synced_at_ = done;
      (void)store_.put("settings.clock_synced_at", format_iso8601_utc(done), done);
      auto txn = store_.next_txn();
      char old_text[40] = "skew unknown";
      if (skew_s) std::snprintf(old_text, sizeof old_text, "skew %+.0f s", *skew_s);
      adapters::AuditRow entry{
          done,
          txn ? *txn : 0,
          "clock",
          address,
          std::string(old_text),
          format_local(done),
          "clock",
          error.empty() ? "written" : "failed",
          readback.empty() ? std::nullopt : std::optional<std::string>(readback),
          error};
      (void)store_.audit(entry);
      if (error.empty()) {
        raise("settings.clock_set", Severity::kInfo,
              std::string("inverter clock set (it was ") + old_text + ")", {{"skew_s", old_text}});
      } else {
        raise("settings.clock_failed", Severity::kWarning,
              "setting the inverter clock failed: " + error);
      }
      if (reply) {
        json out = {{"ok", error.empty()}, {"before", old_text}};
        if (!readback.empty()) out["readback"] = {{"inverter.clock", readback}};
        if (!error.empty()) out["error"] = error;
        reply(out);
      }
    });
  });
}

void SettingsController::refuse(const Change& change, const std::string& reason,
                                const std::string& result) {
  const WallTime now = ctx_.clock.wall_now();
  auto txn = store_.next_txn();
  std::vector<adapters::AuditRow> rows;
  auto cur = current(
      [&] {
        std::vector<std::string> ids;
        for (const auto& [lcd, v] : change.targets)
          ids.push_back(lcd);
        return ids;
      }(),
      now);
  for (const auto& [lcd, v] : change.targets) {
    const protocol::RegisterRow* row = ctx_.map.find_lcd(lcd);
    std::optional<std::string> old;
    if (cur) old = domain::format_setting(cur->at(lcd));
    rows.push_back({now, txn ? *txn : 0, lcd, row ? std::optional<int>(row->address) : std::nullopt,
                    old, domain::format_setting(v), change.cause, result, std::nullopt, reason});
  }
  if (!change.dry_run) (void)store_.audit(rows);
  ctx_.log.warn(kComponent, "settings change (" + change.cause + ") refused: " + reason);
  if (change.reply) change.reply({{"ok", false}, {"refused", true}, {"error", reason}});
}

void SettingsController::submit(Change change) {
  if (busy_) {
    if (change.reply) queued_.push_back(std::move(change));
    return;  // scheduled work is re-evaluated at the next settings poll
  }
  const WallTime now = ctx_.clock.wall_now();
  // Every target must be a writable setting of the map (encode() checks its range later).
  for (const auto& [lcd, v] : change.targets) {
    const protocol::RegisterRow* row = ctx_.map.find_lcd(lcd);
    if (row == nullptr || !row->writable() || row->group != protocol::Group::kSettings) {
      refuse(change, "parameter " + lcd + " is not a writable setting", "refused");
      return;
    }
  }
  // Interlocks on the values the inverter would hold afterwards.
  domain::SettingValues after;
  for (const char* lcd : {"07", "58", "59", "60", "61", "62"}) {
    if (auto cur = current({lcd}, now)) after[lcd] = cur->at(lcd);
  }
  std::vector<std::string> changing;
  for (const auto& [lcd, v] : change.targets) {
    after[lcd] = v;
    changing.push_back(lcd);
  }
  domain::InterlockLimits limits;
  limits.bank_charge_limit_a = ctx_.config.settings.bank_charge_limit_a;
  // The BMS's charge current limit as the inverter reports it (0x0115); 0 means no BMS data.
  if (auto p = ctx_.points.get("inverter.bms.charge_current_limit", now);
      p && p->quality == Quality::kOk) {
    if (const double* d = std::get_if<double>(&p->value); d != nullptr && *d > 0) {
      if (!limits.bank_charge_limit_a || *d < *limits.bank_charge_limit_a) {
        limits.bank_charge_limit_a = *d;
      }
    }
  }
  if (auto problems = domain::check_interlocks(after, limits, changing); !problems.empty()) {
    const std::string reason = join(problems, "; ");
    if (!change.dry_run) {
      raise("settings.refused", Severity::kWarning,
            "settings change (" + change.cause + ") refused: " + reason);
    }
    refuse(change, reason, "refused");
    return;
  }
  // The budget's allowance is checked by the transaction against what really differs.
  device::TransactionOptions options;
  options.settle = ctx_.config.settings.settle;
  options.dry_run = change.dry_run;
  auto used = store_.usage(today(now));
  if (!used) {
    refuse(change, "cannot read the write budget: " + used.error().describe(), "refused");
    return;
  }
  const domain::BudgetPolicy& policy = ctx_.config.settings.budget;
  options.allowance.total = std::max(0, policy.total_per_day - used->total);
  for (const auto& [lcd, v] : change.targets) {
    auto it = used->per_parameter.find(lcd);
    options.allowance.per_param[lcd] = std::max(
        0, policy.per_parameter_per_day - (it == used->per_parameter.end() ? 0 : it->second));
  }

  busy_ = true;
  ctx_.bus.submit([this, change, options, now] {
    JobOutcome out;
    const protocol::DecodeContext dctx = ctx_.link.decode_context();
    std::vector<device::RegisterWrite> writes;
    std::vector<const protocol::RegisterRow*> rows;
    // Write order: LCD id ascending (the map's order), the same every time.
    for (const auto& [lcd, v] : change.targets) {
      const protocol::RegisterRow* row = ctx_.map.find_lcd(lcd);
      auto words = protocol::encode(*row, v, dctx);
      if (!words) {
        out.report.refused = true;
        out.report.reason = "parameter " + lcd + ": " + words.error().describe();
        break;
      }
      writes.push_back({lcd, row->address, *words});
      rows.push_back(row);
    }
    if (!out.report.refused) {
      out.report = device::run_settings_transaction(ctx_.link, writes, options);
      for (std::size_t i = 0; i < out.report.steps.size(); ++i) {
        out.old_texts.push_back(decode_text(*rows[i], out.report.steps[i].before, dctx));
        out.readback_texts.push_back(decode_text(*rows[i], out.report.steps[i].readback, dctx));
      }
    }
    ctx_.loop.post([this, change, out, now]() mutable {
      finish(std::move(change), std::move(out.report), std::move(out.old_texts),
             std::move(out.readback_texts), now);
    });
  });
}

void SettingsController::finish(Change change, device::TransactionReport report,
                                std::vector<std::string> old_texts,
                                std::vector<std::string> readback_texts, WallTime started) {
  busy_ = false;
  const WallTime now = ctx_.clock.wall_now();
  json steps = json::array();
  for (std::size_t i = 0; i < report.steps.size(); ++i) {
    const device::WriteStep& st = report.steps[i];
    const PointValue& target = change.targets.at(st.target.param);
    json j = {{"param", st.target.param},
              {"register", protocol::format_address(st.target.address)},
              {"old", old_texts[i]},
              {"new", domain::format_setting(target)},
              {"result", device::to_string(st.result)},
              {"writes", st.frames_written}};
    if (st.readback) j["readback"] = readback_texts[i];
    if (!st.error.empty()) j["error"] = st.error;
    steps.push_back(std::move(j));
  }
  json answer = {{"ok", report.ok},
                 {"dry_run", change.dry_run},
                 {"cause", change.cause},
                 {"reason", change.reason},
                 {"steps", steps}};
  if (!report.ok) answer["error"] = report.reason;

  if (change.dry_run) {
    if (change.reply) change.reply(answer);
  } else if (report.refused && report.steps.empty()) {
    refuse(change, report.reason, "refused");  // could not even start (encoding)
    change.reply = nullptr;
  } else {
    // Wear first: every frame sent counts, rollbacks included.
    const std::string day = today(started);
    for (const device::WriteStep& st : report.steps) {
      if (Status s = store_.count_writes(day, st.target.param, st.frames_written); !s) {
        ctx_.log.error(kComponent, "cannot count writes: " + s.error().describe());
      }
    }
    auto txn = store_.next_txn();
    answer["txn"] = txn ? *txn : 0;
    std::vector<adapters::AuditRow> audit;
    for (std::size_t i = 0; i < report.steps.size(); ++i) {
      const device::WriteStep& st = report.steps[i];
      if (st.result == device::StepResult::kUnchanged) continue;
      std::string result = device::to_string(st.result);
      std::string reason = st.error;
      if (report.refused) {
        result = "refused";
        reason = report.reason;
      } else if (st.result == device::StepResult::kNotAttempted ||
                 st.result == device::StepResult::kRolledBack) {
        reason = report.reason;
      }
      audit.push_back(
          {now, txn ? *txn : 0, st.target.param, st.target.address,
           old_texts[i].empty() ? std::nullopt : std::optional<std::string>(old_texts[i]),
           domain::format_setting(change.targets.at(st.target.param)), change.cause, result,
           st.readback ? std::optional<std::string>(readback_texts[i]) : std::nullopt,
           reason.empty() ? change.reason : reason});
    }
    if (Status s = store_.audit(audit); !s) {
      ctx_.log.error(kComponent, "cannot write the audit log: " + s.error().describe());
    }
    if (report.ok) {
      std::vector<std::string> changed;
      for (std::size_t i = 0; i < report.steps.size(); ++i) {
        const device::WriteStep& st = report.steps[i];
        last_written_[st.target.param] =
            adapters::setting_to_json(change.targets.at(st.target.param));
        drift_reported_.erase("w" + st.target.param);
        if (st.result == device::StepResult::kWritten) {
          changed.push_back(st.target.param + " " + old_texts[i] + " -> " +
                            domain::format_setting(change.targets.at(st.target.param)));
        }
      }
      (void)store_.put("settings.last_written", last_written_, now);
      if (change.applied_key) {
        applied_ = {{"key", *change.applied_key},
                    {"values", adapters::settings_to_json(change.applied_values)},
                    {"at", format_iso8601_utc(now)}};
        (void)store_.put("settings.applied", applied_, now);
      }
      retry_not_before_.reset();
      if (change.on_success) change.on_success();
      if (!changed.empty()) {
        raise("settings.changed", Severity::kInfo,
              "settings written (" + change.cause + "): " + join(changed, ", ") + "; " +
                  change.reason,
              {{"cause", change.cause}, {"txn", std::to_string(txn ? *txn : 0)}});
      }
    } else if (report.refused) {
      raise(report.reason.rfind("write budget", 0) == 0 ? "settings.budget_exhausted"
                                                        : "settings.refused",
            Severity::kWarning,
            "settings change (" + change.cause + ") not written: " + report.reason,
            {{"cause", change.cause}});
      retry_not_before_ = now + ctx_.config.settings.retry_after;
    } else {
      bool rollback_failed = false;
      for (const auto& st : report.steps) {
        rollback_failed |= st.result == device::StepResult::kRollbackFailed;
      }
      raise("settings.write_failed", rollback_failed ? Severity::kCritical : Severity::kWarning,
            "settings change (" + change.cause + ") failed and was " +
                (rollback_failed ? "NOT fully rolled back" : "rolled back") + ": " + report.reason,
            {{"cause", change.cause}, {"txn", std::to_string(txn ? *txn : 0)}});
      retry_not_before_ = now + ctx_.config.settings.retry_after;
    }
    if (change.reply) change.reply(answer);
  }
  if (!queued_.empty()) {
    Change next = std::move(queued_.front());
    queued_.erase(queued_.begin());
    submit(std::move(next));
  }
}

}  // namespace sb::app
