// SPDX-License-Identifier: Apache-2.0
// The profile engine and the settings writer in the daemon: the only code path that writes
// inverter settings. On the event loop it selects the target values (domain::select), checks
// them (interlocks, write budget), hands one transaction to the bus owner thread, and records
// the outcome (audit log, write counts, events, what was last written). Also detects LCD drift,
// keeps the inverter clock set and serves the profile/params/audit/override commands.
// The tables: docs/owner-guide.md; behaviour: docs/profiles.md.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/desired_config.hpp"
#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/ipc_server.hpp"
#include "sunbridge/adapters/settings_store.hpp"
#include "sunbridge/app/time_watch.hpp"
#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/core/worker_thread.hpp"
#include "sunbridge/device/inverter_link.hpp"
#include "sunbridge/device/settings_transaction.hpp"
#include "sunbridge/domain/checks/slot_watch.hpp"
#include "sunbridge/domain/point_store.hpp"
#include "sunbridge/domain/profile.hpp"
#include "sunbridge/domain/selection.hpp"
#include "sunbridge/domain/strategy/auto_chooser.hpp"
#include "sunbridge/domain/tariff.hpp"

namespace sb::app {

// Loads the shipped profiles plus the user's directory (*.json) and the baseline. Throws
// std::runtime_error listing every problem (a start-up failure).
domain::ProfileLibrary load_profile_library(const std::string& directory);
domain::Baseline load_baseline(const std::string& path);
// The profile whose table a mode uses: automatic mode starts from Type B (its seasons, and the
// choice it is compared with); any other mode is a profile's name.
std::string table_profile(const std::string& mode);

// What the settings controller needs from the daemon (dependencies, not singletons).
struct SettingsContext {
  const adapters::Config& config;
  const protocol::RegisterMap& map;
  const Clock& clock;
  Logger& log;
  EventLoop& loop;
  WorkerThread& bus;
  device::InverterLink& link;  // touched only from jobs on `bus`
  domain::PointStore& points;
  adapters::HistoryStore& history;
  const TimeWatch& time;  // nothing acts on the wall clock while it cannot be trusted
  const domain::Tariff* tariff = nullptr;  // automatic mode prices its choices with it
  const domain::HolidayCalendar* holidays =
      nullptr;  // and with these days as the tariff's holidays
  // What the charge-slot check has measured (nullptr: nothing): automatic mode plans without a
  // slot 1 that delivers nothing.
  const domain::checks::SlotWatch* slots = nullptr;
};

class SettingsController {
 public:
  // Throws std::runtime_error when the configured profile mode or a profile file is invalid.
  explicit SettingsController(SettingsContext ctx);

  // After every settings poll (values are in the point store): clock, drift, schedule.
  void on_settings_poll();
  // A new forecast from the weather service (already cached by it).
  void on_forecast(domain::Forecast forecast);
  // The weather service is fetching its first forecast since start. Until it answers (a
  // forecast or an error; the provider's own timeout bounds the wait), nothing that depends on
  // the weather is decided: a start-up poll that wins the race would otherwise choose on
  // "normal days assumed" and write twice, or keep a choice the forecast would change.
  void await_first_forecast() { forecast_pending_ = true; }
  // The weather service's fetch has ended, with or without a forecast: the schedule runs.
  void on_forecast_attempt_done();
  [[nodiscard]] const std::optional<domain::Forecast>& forecast() const { return forecast_; }

  // The desired configuration from the cloud, all or nothing: checked against the register map
  // and the profile library, then one transaction writes its values together with what the
  // schedule selects under it; only when that succeeds are mode, profiles, rules, drift policy,
  // poll intervals and away adopted and the document persisted. `reply` gets the transaction's
  // answer; ok false means nothing changed (docs/mqtt.md "Desired configuration").
  void apply_desired(adapters::DesiredConfig desired, adapters::IpcServer::Reply reply);
  [[nodiscard]] const std::optional<adapters::DesiredConfig>& desired() const { return desired_; }
  // Called after a desired configuration is adopted (the daemon takes the poll intervals).
  void on_desired_adopted(std::function<void(const adapters::DesiredConfig&)> fn) {
    on_desired_adopted_ = std::move(fn);
  }
  // The charging rules' ceiling on LCD 07 (nothing: none). Applied through the same checked,
  // budgeted, read-back, audited path with cause "thermal"; never raises a value; when the lease
  // ends the schedule writes the profile's value back (docs/checks.md "Charge derating").
  void set_charge_lease(std::optional<double> amps);
  [[nodiscard]] std::optional<double> charge_lease() const { return charge_lease_a_; }
  // The applied state, for {prefix}/{device}/settings/reported.
  nlohmann::json reported_json();

  // IPC commands: profile.show, profile.plan, profile.apply, params.set, params.read (a fresh
  // read on the bus), audit, override.set, override.clear, clock.sync. Returns false when `cmd`
  // is not one of them.
  bool handle(const std::string& cmd, const nlohmann::json& request,
              adapters::IpcServer::Reply reply);

 private:
  struct Change {
    std::string cause;  // season, weather, override, schedule, cli, drift
    domain::SettingValues targets;
    std::string reason;
    std::optional<std::string> applied_key;  // the selection this change makes current
    domain::SettingValues applied_values;    // and its values
    bool dry_run = false;
    adapters::IpcServer::Reply reply;            // may be empty (scheduled)
    std::function<void()> on_success = nullptr;  // after the audit, before the reply
  };

  domain::Selection evaluate(WallTime now) const;
  // Automatic mode (settings_auto.cpp): whether it is on, the stored choice laid over a
  // selection, the evening's choice, and the choice kept from before a restart.
  [[nodiscard]] bool auto_mode() const;
  void overlay_auto(domain::Selection& sel) const;
  void decide_auto(WallTime now);
  void load_auto_choice();
  domain::SelectionInput selection_input(WallTime now) const;
  void run_schedule(WallTime now);
  void check_drift(WallTime now);
  void check_clock(WallTime now);
  // The inverter's clock minus ours, when the point is current.
  [[nodiscard]] std::optional<double> clock_skew_s(WallTime now) const;
  // Sets the inverter clock now (audited); `reply` (may be empty) gets the read-back.
  void sync_clock(std::optional<double> skew_s, adapters::IpcServer::Reply reply);
  void params_read(const nlohmann::json& request, adapters::IpcServer::Reply reply);
  // Checks a desired configuration against the map and the library; problems as text.
  std::vector<std::string> check_desired(const adapters::DesiredConfig& d,
                                         domain::ProfileLibrary& library,
                                         domain::SettingValues& values) const;
  void adopt_desired(adapters::DesiredConfig d, domain::ProfileLibrary library,
                     domain::SettingValues values, bool persist);
  [[nodiscard]] const domain::WeatherPolicy& rules() const;
  [[nodiscard]] bool reassert_drift() const;
  // Validates and submits; answers `change.reply` (if any) when done.
  void submit(Change change);
  void finish(Change change, device::TransactionReport report, std::vector<std::string> old_texts,
              std::vector<std::string> readback_texts, WallTime started);
  void refuse(const Change& change, const std::string& reason, const std::string& result);
  [[nodiscard]] std::optional<domain::SettingValues> current(const std::vector<std::string>& lcds,
                                                             WallTime now) const;
  [[nodiscard]] std::string today(WallTime now) const;
  void raise(const std::string& kind, Severity severity, const std::string& message,
             std::map<std::string, std::string> details = {});
  void persist_overrides();
  void publish_active(const domain::Selection& s, WallTime now);

  nlohmann::json show_json();
  nlohmann::json plan_json(const nlohmann::json& request);
  nlohmann::json audit_json(const nlohmann::json& request);
  void params_set(const nlohmann::json& request, adapters::IpcServer::Reply reply);
  nlohmann::json override_set(const nlohmann::json& request);
  // What an absence will select on its first served day (the override.set reply says it).
  nlohmann::json away_effect(WallTime now) const;
  nlohmann::json override_clear(const nlohmann::json& request);

  SettingsContext ctx_;
  adapters::SettingsStore store_;
  domain::ProfileLibrary base_library_;  // shipped + profiles.directory
  domain::ProfileLibrary library_;       // base + the desired configuration's profiles
  domain::Baseline baseline_;
  const domain::Profile* profile_ = nullptr;
  domain::Overrides overrides_;
  domain::WeatherMemory memory_;
  std::optional<domain::Forecast> forecast_;
  bool forecast_pending_ = false;  // the first fetch since start has not answered yet
  nlohmann::json last_written_ = nlohmann::json::object();  // LCD id -> value
  nlohmann::json applied_ = nlohmann::json::object();       // {key, values, at}
  std::map<std::string, std::string> drift_reported_;       // param -> value reported
  bool busy_ = false;
  std::vector<Change> queued_;  // commands that arrived during a transaction
  std::optional<WallTime> retry_not_before_;
  std::optional<WallTime> clock_synced_at_;
  bool clock_in_flight_ = false;
  std::optional<adapters::DesiredConfig> desired_;  // the adopted one
  domain::SettingValues remote_values_;             // its values: expected instead of the baseline
  std::function<void(const adapters::DesiredConfig&)> on_desired_adopted_;
  std::optional<double> charge_lease_a_;          // the ceiling the checks ask for now
  std::optional<double> applied_charge_lease_a_;  // the one in force at the last write
  nlohmann::json auto_choice_;  // automatic mode's current choice (null: none yet)
  std::optional<domain::strategy::AutoCandidates> auto_candidates_;
};

}  // namespace sb::app
