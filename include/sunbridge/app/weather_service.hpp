// SPDX-License-Identifier: Apache-2.0
// Fetches the forecast on a schedule (local times; JMA issues at 05/11/17 JST) on its own worker
// thread, so a slow network never blocks the event loop or the bus. Results are posted to the
// loop; failures are logged once per outage and retried, and the last good forecast stays in
// force (the profile engine drops it when it is too old: never a guessed weather mode).
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/outbound.hpp"
#include "sunbridge/adapters/weather.hpp"
#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/core/worker_thread.hpp"

namespace sb::app {

class WeatherService {
 public:
  using Sink = std::function<void(domain::Forecast)>;
  // `sink` gets each forecast; `ended` is called after every fetch, with or without one.
  WeatherService(const adapters::ProfilesConfig& config, const Clock& clock, Logger& log,
                 EventLoop& loop, adapters::Outbound& outbound, Sink sink,
                 std::function<void()> ended);
  ~WeatherService();

  [[nodiscard]] bool enabled() const { return provider_ != nullptr; }
  // Fetches now unless `last_fetch` is recent, then on the schedule. True when it fetches now.
  bool start(std::optional<WallTime> last_fetch);
  // Fetches now; `done` gets an error text or "" on success.
  void refresh(std::function<void(std::string)> done);
  [[nodiscard]] std::string describe() const;
  // The next scheduled local fetch time after `now`.
  [[nodiscard]] WallTime next_fetch(WallTime now) const;

 private:
  void fetch(std::function<void(std::string)> done);
  void schedule(WallTime at);

  const adapters::ProfilesConfig& config_;
  const Clock& clock_;
  Logger& log_;
  EventLoop& loop_;
  Sink sink_;
  std::function<void()> ended_;
  std::unique_ptr<adapters::WeatherProvider> provider_;
  bool failing_ = false;
  bool in_flight_ = false;
  std::unique_ptr<WorkerThread> net_;  // last: stopped before the rest is destroyed
};

}  // namespace sb::app
