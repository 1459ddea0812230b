// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/transport/udp_query.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace sb::transport {

Result<std::vector<UdpAnswer>> udp_query(const std::string& address, int port,
                                         const std::string& message,
                                         std::chrono::milliseconds window) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, address.c_str(), &to.sin_addr) != 1) {
    return Error::invalid("not an IPv4 address: " + address);
  }
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::io(errno, "socket");
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);  // no root needed
  if (::sendto(fd, message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) <
      0) {
    const int err = errno;
    ::close(fd);
    return Error::io(err, "cannot send to " + address + ":" + std::to_string(port));
  }
  std::vector<UdpAnswer> answers;
  const auto deadline = std::chrono::steady_clock::now() + window;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::array<char, 512> buffer{};
    sockaddr_in from{};
    socklen_t len = sizeof from;
    const ssize_t got =
        ::recvfrom(fd, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (got <= 0) continue;
    char ip[INET_ADDRSTRLEN] = {0};
    ::inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
    answers.push_back({ip, std::string(buffer.data(), static_cast<std::size_t>(got))});
  }
  ::close(fd);
  return answers;
}

}  // namespace sb::transport
