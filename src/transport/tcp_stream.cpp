// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/transport/tcp_stream.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sb::transport {

namespace {

// Waits for `events` on `fd`; 0 on timeout, -1 with errno on error.
int wait_for(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

}  // namespace

Status TcpStream::connect(const std::string& host, int port, std::chrono::milliseconds timeout) {
  close();
  peer_ = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    Error e = Error::disconnected("cannot resolve " + host + ": " + ::gai_strerror(rc));
    e.retry = Retry::kRetryable;
    return e;
  }
  int last_errno = ETIMEDOUT;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd =
        ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc < 0 && errno == EINPROGRESS) {
      const int ready = wait_for(fd, POLLOUT, timeout);
      int so_error = ready > 0 ? 0 : ETIMEDOUT;
      socklen_t len = sizeof so_error;
      if (ready > 0) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      rc = so_error == 0 ? 0 : -1;
      errno = so_error;
    }
    if (rc == 0) {
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fd_ = fd;
      break;
    }
    last_errno = errno;
    ::close(fd);
  }
  ::freeaddrinfo(found);
  if (fd_ < 0) {
    Error e = Error::disconnected("cannot connect to " + peer_ + ": " + std::strerror(last_errno),
                                  last_errno);
    e.retry = Retry::kRetryable;
    return e;
  }
  return {};
}

void TcpStream::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status TcpStream::send_all(std::span<const std::uint8_t> bytes, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    if (fd_ < 0) return Error::disconnected("not connected to " + peer_);
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || wait_for(fd_, POLLOUT, left) <= 0) {
        return Error::timeout("sending to " + peer_);
      }
      continue;
    }
    const int err = errno;
    close();
    return Error::disconnected("connection to " + peer_ + " lost: " + std::strerror(err), err);
  }
  return {};
}

Result<std::size_t> TcpStream::receive(std::span<std::uint8_t> buffer,
                                       std::chrono::milliseconds timeout) {
  if (fd_ < 0) return Error::disconnected("not connected to " + peer_);
  const int ready = wait_for(fd_, POLLIN, std::max(timeout, std::chrono::milliseconds(0)));
  if (ready == 0) return Error::timeout("no reply from " + peer_);
  for (;;) {
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n > 0) return static_cast<std::size_t>(n);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return Error::timeout("no reply from " + peer_);
    }
    const int err = n == 0 ? 0 : errno;
    close();
    return Error::disconnected(n == 0 ? peer_ + " closed the connection"
                                      : "connection to " + peer_ + " lost: " + std::strerror(err),
                               err);
  }
}

}  // namespace sb::transport
