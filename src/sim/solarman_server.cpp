// SPDX-License-Identifier: Apache-2.0
#include "sim/solarman_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "sunbridge/protocol/rtu_frame.hpp"

namespace sb::sim {

namespace v5 = protocol::v5;

SolarmanServer::SolarmanServer(EventLoop& loop, RegisterImage& image, std::string address, int port,
                               std::uint32_t serial, SolarmanQuirks quirks, int discovery_port)
    : loop_(loop),
      image_(image),
      address_(std::move(address)),
      port_(port),
      discovery_port_(discovery_port),
      serial_(serial),
      quirks_(quirks) {}

SolarmanServer::~SolarmanServer() {
  while (!clients_.empty())
    drop(clients_.begin()->first);
  if (listen_fd_ >= 0) {
    loop_.unwatch(listen_fd_);
    ::close(listen_fd_);
  }
  if (discovery_fd_ >= 0) {
    loop_.unwatch(discovery_fd_);
    ::close(discovery_fd_);
  }
}

namespace {

// A loopback address only: the simulator never listens on a network.
std::optional<in_addr> loopback(const std::string& address) {
  in_addr a{};
  if (::inet_pton(AF_INET, address.c_str(), &a) != 1) return std::nullopt;
  if ((ntohl(a.s_addr) >> 24) != 127) return std::nullopt;
  return a;
}

}  // namespace

Status SolarmanServer::listen() {
  const auto a = loopback(address_);
  if (!a) return Error::invalid(address_ + " is not a loopback address (127.x.x.x)");
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::io(errno, "socket");
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port_));
  addr.sin_addr = *a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 4) != 0) {
    const int err = errno;
    ::close(fd);
    return Error::io(err, "cannot listen on " + address_ + ":" + std::to_string(port_));
  }
  listen_fd_ = fd;
  loop_.watch(listen_fd_, POLLIN, [this](short) { on_accept(); });
  return {};
}

Status SolarmanServer::start() {
  if (Status s = listen(); !s) return s;
  if (discovery_port_ != 0) {
    discovery_fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (discovery_fd_ < 0) return Error::io(errno, "socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(discovery_port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(discovery_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      return Error::io(errno, "cannot listen on UDP 127.0.0.1:" + std::to_string(discovery_port_));
    }
    loop_.watch(discovery_fd_, POLLIN, [this](short) { on_discovery(); });
  }
  schedule_reset();
  return {};
}

Status SolarmanServer::move_to(const std::string& address) {
  if (!loopback(address)) return Error::invalid(address + " is not a loopback address (127.x.x.x)");
  reset_connections();
  if (listen_fd_ >= 0) {
    loop_.unwatch(listen_fd_);
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  address_ = address;
  return listen();
}

void SolarmanServer::on_discovery() {
  std::array<char, 128> buffer{};
  sockaddr_in from{};
  socklen_t len = sizeof from;
  const ssize_t n = ::recvfrom(discovery_fd_, buffer.data(), buffer.size(), 0,
                               reinterpret_cast<sockaddr*>(&from), &len);
  if (n <= 0) return;
  if (std::string_view(buffer.data(), static_cast<std::size_t>(n)) != v5::kDiscoveryRequest) {
    return;  // loggers answer only their own question
  }
  const std::string reply = address_ + ",ACCF23" + std::to_string(100000 + serial_ % 900000) + "," +
                            std::to_string(serial_);
  ::sendto(discovery_fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
}

void SolarmanServer::schedule_reset() {
  if (quirks_.reset_every.count() <= 0) return;
  loop_.schedule_after(std::chrono::duration_cast<std::chrono::milliseconds>(quirks_.reset_every),
                       [this] {
                         reset_connections();
                         schedule_reset();
                       });
}

void SolarmanServer::reset_connections() {
  if (!clients_.empty()) ++stats_.resets;
  while (!clients_.empty())
    drop(clients_.begin()->first);
}

void SolarmanServer::on_accept() {
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return;
  ++stats_.connections;
  const std::uint64_t id = next_id_++;
  auto client = std::make_unique<Client>();
  client->fd = fd;
  clients_[id] = std::move(client);
  loop_.watch(fd, POLLIN, [this, id](short) { on_readable(id); });
}

void SolarmanServer::drop(std::uint64_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  loop_.unwatch(it->second->fd);
  ::close(it->second->fd);
  clients_.erase(it);
}

void SolarmanServer::on_readable(std::uint64_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  std::array<std::uint8_t, 512> buffer{};
  const ssize_t n = ::recv(it->second->fd, buffer.data(), buffer.size(), 0);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    drop(id);
    return;
  }
  it->second->parser.feed(
      std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)));
  while (auto frame = it->second->parser.next()) {
    if (frame->control != v5::kRequest) continue;  // a client's heartbeat replies and the like
    ++stats_.requests;
    // A logger answers requests for its own serial; serial 0 is how clients discover it.
    if (frame->serial != serial_ && frame->serial != 0) {
      ++stats_.wrong_serial;
      continue;
    }
    if (quirks_.mute) continue;
    if (quirks_.latency.count() > 0) {
      loop_.schedule_after(quirks_.latency, [this, id, f = *frame] { answer(id, f); });
    } else {
      answer(id, *frame);
    }
    it = clients_.find(id);
    if (it == clients_.end()) return;
  }
}

void SolarmanServer::answer(std::uint64_t id, const v5::Frame& request) {
  auto rtu = v5::request_rtu(request.payload);
  if (!rtu) return;  // a logger ignores what it cannot read
  std::vector<std::uint8_t> reply;
  const std::uint8_t slave = image_.firmware().slave;
  if (!protocol::rtu_crc_ok(*rtu) || rtu->at(0) != slave) return;  // the inverter stays silent
  const std::uint8_t function = rtu->at(1);
  if (function == 0x03) {
    auto read = protocol::decode_read_request(*rtu);
    if (!read) return;
    std::vector<std::uint16_t> words;
    const int e = image_.read(read->start, read->count, words);
    reply =
        e == 0 ? protocol::encode_read_response(slave, words)
               : protocol::encode_exception_response(slave, function, static_cast<std::uint8_t>(e));
  } else if (function == 0x06 || function == 0x10) {
    auto write = protocol::decode_write_request(*rtu);
    if (!write) return;
    const int e = image_.write(write->start, write->values, function == 0x10);
    reply =
        e == 0 ? protocol::encode_write_response(*write)
               : protocol::encode_exception_response(slave, function, static_cast<std::uint8_t>(e));
  } else {
    reply = protocol::encode_exception_response(slave, function, 0x01);
  }
  ++replies_started_;
  auto every = [&](int n) { return n > 0 && replies_started_ % static_cast<unsigned>(n) == 0; };
  if (every(quirks_.stub_every)) reply = {0x05, 0x00};
  if (quirks_.double_crc && reply.size() >= 5) reply.insert(reply.end(), {0x00, 0x00});
  std::vector<std::uint8_t> out;
  if (every(quirks_.junk_every)) {
    const std::string text = "+ok=" + std::to_string(serial_) + "\r\nAT+WSCAN\r\n";
    out.insert(out.end(), text.begin(), text.end());
  }
  if (every(quirks_.thief_every)) {
    // Another client asked for three registers somewhere: its answer, with our number on it.
    const std::vector<std::uint16_t> theirs = {0xDEAD, 0xBEEF, 0x0BAD};
    const auto foreign = v5::encode_response(serial_, request.seq, ++logger_seq_,
                                             protocol::encode_read_response(slave, theirs));
    out.insert(out.end(), foreign.begin(), foreign.end());
  }
  if (every(quirks_.heartbeat_every)) {
    const auto hb = v5::encode_heartbeat(serial_, ++logger_seq_);
    out.insert(out.end(), hb.begin(), hb.end());
  }
  const auto frame = v5::encode_response(serial_, request.seq, ++logger_seq_, reply);
  out.insert(out.end(), frame.begin(), frame.end());
  send_to(id, out);
  ++stats_.replies;
}

void SolarmanServer::send_to(std::uint64_t id, const std::vector<std::uint8_t>& bytes) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;  // the connection went while the logger "thought"
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n =
        ::send(it->second->fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      pollfd p{it->second->fd, POLLOUT, 0};
      if (::poll(&p, 1, 1000) <= 0) break;
    } else {
      drop(id);
      return;
    }
  }
}

}  // namespace sb::sim
