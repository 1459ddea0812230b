// SPDX-License-Identifier: Apache-2.0
// A lock file per configured device, held for the life of the process: it keeps the bus ours
// even while the port itself is closed (unplugged, or in back-off), so a second daemon started
// meanwhile cannot take it over. The file records the owner's PID for the error message.
#pragma once

#include <string>

#include "sunbridge/core/result.hpp"

namespace sb::transport {

class PortLock {
 public:
  // Locks "<lock_dir>/sunbridge-<device path with / as _>.lock". kIo(EBUSY) with the holder's PID
  // when another process has it.
  static Result<PortLock> acquire(const std::string& lock_dir, const std::string& device);

  PortLock(PortLock&& other) noexcept;
  PortLock& operator=(PortLock&& other) noexcept;
  PortLock(const PortLock&) = delete;
  PortLock& operator=(const PortLock&) = delete;
  ~PortLock();

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  PortLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

std::string lock_file_name(const std::string& device);

}  // namespace sb::transport
