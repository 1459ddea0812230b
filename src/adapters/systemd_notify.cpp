// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace sb::adapters {

SystemdNotifier::SystemdNotifier() {
  if (const char* s = std::getenv("NOTIFY_SOCKET"); s != nullptr && *s != '\0') socket_ = s;
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  if (usec != nullptr && (pid == nullptr || std::atol(pid) == ::getpid())) {
    long long v = std::atoll(usec);
    if (v > 0) watchdog_ = std::chrono::microseconds(v);
  }
}

std::optional<std::chrono::milliseconds> SystemdNotifier::watchdog_interval() const {
  if (!watchdog_ || !active()) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*watchdog_ / 2);
}

bool SystemdNotifier::send(const std::string& message) const {
  if (!active()) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, socket_.data(), socket_.size());
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_.size());
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd == -1) return false;
  ssize_t n = ::sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
                       reinterpret_cast<sockaddr*>(&addr), len);
  ::close(fd);
  return n == static_cast<ssize_t>(message.size());
}

void SystemdNotifier::ready(const std::string& status) const {
  send("READY=1\n" + (status.empty() ? std::string() : "STATUS=" + status + "\n"));
}
void SystemdNotifier::watchdog() const {
  send("WATCHDOG=1\n");
}
void SystemdNotifier::status(const std::string& text) const {
  send("STATUS=" + text + "\n");
}
void SystemdNotifier::stopping() const {
  send("STOPPING=1\n");
}

}  // namespace sb::adapters
