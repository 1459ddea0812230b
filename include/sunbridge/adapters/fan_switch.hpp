// SPDX-License-Identifier: Apache-2.0
// The switch of a cabinet fan: a relay on a GPIO line (libgpiod), a smart plug over MQTT, or a
// command run with "on" or "off" for anything else. The decision (when) is the checks engine's;
// this only switches. See docs/checks.md "Cabinet fan".
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/core/result.hpp"

namespace sb::adapters {

class FanSwitch {
 public:
  using Done = std::function<void(const Status&)>;
  virtual ~FanSwitch() = default;
  // Switches; `done` runs on the loop with the outcome (never blocks the loop).
  virtual void set(bool on, Done done) = 0;
  // At shutdown, when the loop no longer runs: switches and waits (bounded).
  virtual Status set_now(bool on) = 0;
  [[nodiscard]] virtual std::string describe() const = 0;
};

// Throws std::runtime_error when the backend cannot be set up (a start-up failure: a GPIO chip
// that does not exist, a broker URL Paho refuses). nullptr for backend "none".
std::unique_ptr<FanSwitch> make_fan_switch(const CoolingConfig& config, EventLoop& loop,
                                           Logger& log);

}  // namespace sb::adapters
