// SPDX-License-Identifier: Apache-2.0
// A throwaway mosquitto for the benchmarks: 127.0.0.1 on a free port, anonymous, its
// configuration and log in the benchmark's temporary directory.
#pragma once

#include <string>

#include "testkit/process.hpp"

namespace sb::bench {

class LoopbackBroker {
 public:
  LoopbackBroker(const testkit::TempDir& dir, const std::string& mosquitto = "/usr/sbin/mosquitto");
  // Whether it accepts connections (waits up to 10 s).
  [[nodiscard]] bool wait_listening() const;
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] std::string log() const { return testkit::read_file(log_path_); }

 private:
  int port_;
  std::string log_path_;
  testkit::Process process_;
};

}  // namespace sb::bench
