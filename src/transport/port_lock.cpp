// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/transport/port_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>

namespace sb::transport {

std::string lock_file_name(const std::string& device) {
  std::string name = "sunbridge-";
  for (char c : device) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.';
    name.push_back(safe ? c : '_');
  }
  return name + ".lock";
}

std::string canonical_device(const std::string& device) {
  // /dev/serial/by-id/usb-FTDI_...-port0 and /dev/ttyUSB0 are one adapter: one lock for both.
  char* real = ::realpath(device.c_str(), nullptr);
  if (real == nullptr) return device;  // not there yet (unplugged): its own name
  std::string out(real);
  std::free(real);
  return out;
}

Result<PortLock> PortLock::acquire(const std::string& lock_dir, const std::string& device) {
  const std::string canonical = canonical_device(device);
  std::string path = lock_dir + "/" + lock_file_name(canonical);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd == -1) {
    return Error{ErrorKind::kIo, errno, "cannot create lock file " + path, Retry::kPermanent};
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) == -1) {
    char buf[32] = {};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    std::string holder = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
      holder.pop_back();
    ::close(fd);
    return Error{ErrorKind::kIo, EBUSY,
                 device + (canonical != device ? " (" + canonical + ")" : "") +
                     " is already owned by another sunbridge process" +
                     (holder.empty() ? "" : " (pid " + holder + ")") + "; lock " + path,
                 Retry::kPermanent};
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    ssize_t ignored = ::pwrite(fd, pid.data(), pid.size(), 0);
    (void)ignored;
  }
  return PortLock(fd, std::move(path));
}

PortLock::PortLock(PortLock&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

PortLock& PortLock::operator=(PortLock&& other) noexcept {
  if (this != &other) {
    if (fd_ != -1) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

PortLock::~PortLock() {
  if (fd_ != -1) ::close(fd_);  // closing releases the flock; the file stays (no unlink race)
}

}  // namespace sb::transport
