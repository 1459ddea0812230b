// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <unistd.h>

#include "sunbridge/transport/port_lock.hpp"
#include "testkit/process.hpp"

using namespace sb;

TEST_CASE("one process owns a device: the lock file names the holder", "[unit][lock]") {
  testkit::TempDir dir;
  auto first = transport::PortLock::acquire(dir.path(), "/dev/ttyUSB0");
  REQUIRE(first.ok());
  CHECK(first->path() == dir.path() + "/sunbridge-_dev_ttyUSB0.lock");
  // flock locks are per open file description: a second acquisition in this process conflicts
  // just as another process would.
  auto second = transport::PortLock::acquire(dir.path(), "/dev/ttyUSB0");
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == EBUSY);
  CHECK(second.error().detail.find("pid " + std::to_string(::getpid())) != std::string::npos);
  CHECK(transport::PortLock::acquire(dir.path(), "/dev/ttyUSB1").ok());
}

TEST_CASE("the lock is released with its owner", "[unit][lock]") {
  testkit::TempDir dir;
  {
    auto l = transport::PortLock::acquire(dir.path(), "/dev/ttyAMA0");
    REQUIRE(l.ok());
  }
  CHECK(transport::PortLock::acquire(dir.path(), "/dev/ttyAMA0").ok());
}

TEST_CASE("a by-id link and the device it points to share one lock", "[unit][lock]") {
  testkit::TempDir dir;
  const std::string device = dir.file("ttyUSB0");
  testkit::write_file(device, "");
  const std::string by_id = dir.file("usb-FTDI_FT232R_USB_UART_A10K1234-if00-port0");
  REQUIRE(::symlink(device.c_str(), by_id.c_str()) == 0);
  auto first = transport::PortLock::acquire(dir.path(), device);
  REQUIRE(first.ok());
  auto second = transport::PortLock::acquire(dir.path(), by_id);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == EBUSY);
  // The message names what the user configured, what it is, and who holds it.
  CHECK(second.error().detail.find(by_id + " (" + device + ")") != std::string::npos);
  CHECK(second.error().detail.find("pid " + std::to_string(::getpid())) != std::string::npos);
}
