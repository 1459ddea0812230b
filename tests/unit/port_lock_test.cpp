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
