// SPDX-License-Identifier: Apache-2.0
// Remote configuration and commands from the cloud broker (docs/mqtt.md): signed commands
// on {prefix}/{device}/cmd/{name} and the versioned desired configuration on
// {prefix}/{device}/config/desired. Every message is authenticated (role + HMAC-SHA256), checked
// for expiry and replay and against the role's allow-list before anything acts on it; accepted
// ones go through the same commands as the local CLI (so the settings controller stays the only
// writer). Every outcome is answered on cmd/result with the inverter values read back afterwards;
// every rejection is audited and raised as an event. Runs on the event loop. docs/mqtt.md.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/ipc_server.hpp"
#include "sunbridge/adapters/remote_command.hpp"
#include "sunbridge/adapters/settings_store.hpp"
#include "sunbridge/app/cloud_link.hpp"
#include "sunbridge/app/settings_controller.hpp"
#include "sunbridge/app/time_watch.hpp"
#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/log.hpp"

namespace sb::app {

struct RemoteContext {
  const adapters::MqttConfig& config;
  const Clock& clock;
  Logger& log;
  adapters::HistoryStore& history;  // events; its database holds audit rows and seen ids
  CloudLink& cloud;
  SettingsController& settings;
  const TimeWatch& time;  // commands are refused while the clock cannot be trusted
  // The daemon's command handler (the control socket's): what an accepted command runs.
  std::function<void(const nlohmann::json& request, adapters::IpcServer::Reply reply)> dispatch;
};

class RemoteControl {
 public:
  // Subscribes cmd/+ and config/desired on the cloud link.
  explicit RemoteControl(RemoteContext ctx);
  // Publishes settings/reported (retained) when it differs from the last one published.
  void publish_reported();
  // The clock became trustworthy: a desired configuration held back meanwhile is applied now.
  void on_clock_synced();

 private:
  void on_command(const std::string& name, const std::string& payload);
  void on_desired(const std::string& payload);
  // Validates a command's args; returns the control-socket request or why not.
  std::optional<nlohmann::json> request_for(const adapters::RemoteCommand& c, std::string& why);
  void reject(const std::string& id, const std::string& role, const std::string& name,
              const std::string& param, const std::string& reason);
  // Answers on cmd/result with the inverter's values read afresh (after whatever ran).
  void answer(nlohmann::json result, std::vector<std::string> readback_ids);
  bool seen(const std::string& id, WallTime now);
  void remember(const adapters::RemoteCommand& c, WallTime now);

  RemoteContext ctx_;
  adapters::SettingsStore store_;
  nlohmann::json seen_ids_ = nlohmann::json::object();  // id -> expires_at (ISO)
  std::string last_reported_;
  std::optional<std::string> last_rejected_desired_;  // a retained bad document: answer once
  std::optional<std::string> held_desired_;  // received while the clock was not synchronised
  int rejections_this_minute_ = 0;
  WallTime minute_started_{};
};

}  // namespace sb::app
