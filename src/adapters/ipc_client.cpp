// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/ipc_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sb::adapters {

using nlohmann::json;

Result<json> ipc_call(const std::string& socket_path, const json& request,
                      std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) return Error::invalid("socket path too long");
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd == -1) return Error::io(errno, "socket");
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == -1) {
    int err = errno;
    if (err == ENOENT || err == ECONNREFUSED) {
      return Error::disconnected(
          "sunbridged is not running (nothing listens on " + socket_path + ")", err);
    }
    if (err == EACCES) {
      return Error{ErrorKind::kIo, err,
                   "permission denied on " + socket_path +
                       " (the socket is 0660: join the daemon's group, e.g. 'sunbridge')",
                   Retry::kPermanent};
    }
    return Error::io(err, "cannot connect to " + socket_path);
  }
  std::string out = request.dump() + "\n";
  std::size_t sent = 0;
  while (sent < out.size()) {
    ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return Error::disconnected("daemon closed the connection", errno);
    sent += static_cast<std::size_t>(n);
  }
  std::string in;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto nl = in.find('\n');
    if (nl != std::string::npos) {
      json reply = json::parse(in.substr(0, nl), nullptr, false);
      if (reply.is_discarded()) return Error::malformed("daemon sent a reply that is not JSON");
      return reply;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Error::timeout("daemon did not answer in time");
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[65536];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return Error::disconnected("daemon closed the connection without a reply", errno);
    in.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace sb::adapters
