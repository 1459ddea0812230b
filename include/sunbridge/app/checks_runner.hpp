// SPDX-License-Identifier: Apache-2.0
// The checks engine in the daemon: runs it after every poll on the event loop, records its
// events, publishes check.NAME.state and cooling.fan.state, switches the cabinet fan, hands the
// charging rules' lease to the settings writer, stores the 10-minute power-quality intervals and
// keeps what the checks learned (fan health, daily patterns, slot nights) across restarts.
// See docs/checks.md.
#pragma once

#include <functional>
#include <memory>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/fan_switch.hpp"
#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/settings_store.hpp"
#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/domain/checks/engine.hpp"
#include "sunbridge/domain/point_store.hpp"

namespace sb::app {

struct ChecksContext {
  const adapters::Config& config;
  EventLoop& loop;
  Logger& log;
  domain::PointStore& points;
  adapters::HistoryStore& history;
  std::function<void(const Event&)> record_event;
  // The charging rules' LCD 07 ceiling changed (nothing: the lease ended).
  std::function<void(std::optional<double>)> on_charge_lease;
};

class ChecksRunner {
 public:
  // Throws std::runtime_error when the fan's switch cannot be set up (a start-up failure).
  explicit ChecksRunner(ChecksContext ctx);
  void run(WallTime now);
  // At a clean stop, after the loop: saves what was learned and puts the fan in its exit state.
  void shutdown(WallTime now);
  [[nodiscard]] const domain::checks::CheckEngine& engine() const { return engine_; }

 private:
  void drive_fan(WallTime now);
  void publish_fan(WallTime now);
  void save_memory(WallTime now);

  ChecksContext ctx_;
  adapters::SettingsStore store_;
  domain::checks::CheckEngine engine_;
  std::unique_ptr<adapters::FanSwitch> fan_;
  std::optional<bool> fan_confirmed_;  // what the switch last acknowledged
  bool fan_in_flight_ = false;
  bool fan_failed_ = false;
  std::optional<WallTime> fan_retry_at_;
  std::string fan_error_;  // the last failure, logged once per change of text
  std::optional<double> lease_a_;
  std::optional<WallTime> memory_saved_at_;
  // Posted completions check it: the runner may be gone when the loop runs them.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace sb::app
