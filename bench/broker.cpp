// SPDX-License-Identifier: Apache-2.0
#include "bench/broker.hpp"

#include <pwd.h>
#include <unistd.h>

namespace sb::bench {

namespace {

std::string write_config(const testkit::TempDir& dir, int port) {
  const std::string path = dir.file("mosquitto.conf");
  testkit::write_file(path, "listener " + std::to_string(port) +
                                " 127.0.0.1\nallow_anonymous true\n"
                                // Started as root, mosquitto would otherwise drop to its own user.
                                "user " +
                                std::string(::getpwuid(::getuid())->pw_name) + "\n");
  return path;
}

}  // namespace

LoopbackBroker::LoopbackBroker(const testkit::TempDir& dir, const std::string& mosquitto)
    : port_(testkit::free_loopback_port()),
      log_path_(dir.file("mosquitto.log")),
      process_({mosquitto, "-c", write_config(dir, port_)}, log_path_) {}

bool LoopbackBroker::wait_listening() const {
  return testkit::wait_until([&] { return testkit::loopback_port_open(port_); },
                             std::chrono::seconds(10));
}

}  // namespace sb::bench
