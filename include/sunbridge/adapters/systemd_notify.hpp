// SPDX-License-Identifier: Apache-2.0
// sd_notify(3) without libsystemd: the protocol is one datagram of "KEY=VALUE" lines to the
// socket named by $NOTIFY_SOCKET, documented as a stable interface. Saves a dependency for four
// messages (docs/dependencies.md).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace sb::adapters {

class SystemdNotifier {
 public:
  // Reads $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID. Inactive outside systemd.
  SystemdNotifier();

  [[nodiscard]] bool active() const { return !socket_.empty(); }
  // Half the watchdog timeout when the service has WatchdogSec= set for this process.
  [[nodiscard]] std::optional<std::chrono::milliseconds> watchdog_interval() const;

  void ready(const std::string& status = {}) const;
  void watchdog() const;
  void status(const std::string& text) const;
  void stopping() const;
  // Sends raw "KEY=VALUE\n..." text. False when inactive or on error.
  bool send(const std::string& message) const;

 private:
  std::string socket_;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace sb::adapters
