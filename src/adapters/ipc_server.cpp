// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/ipc_server.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "sunbridge/adapters/sqlite_db.hpp"

namespace sb::adapters {

using nlohmann::json;

struct IpcServer::Client {
  int fd = -1;
  std::string in;
  std::string out;
  bool busy = false;         // a request is being handled; further input waits
  bool closing = false;      // close once `out` is flushed, serve nothing more
  bool peer_closed = false;  // the client will send nothing more: close once all is answered
  bool alive = true;
};

namespace {

sockaddr_un make_address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    throw std::runtime_error("IPC socket path too long: " + path);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

bool socket_is_live(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd == -1) return false;
  sockaddr_un addr = make_address(path);
  bool live = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return live;
}

}  // namespace

IpcServer::IpcServer(EventLoop& loop, std::string path, Handler handler, Logger& log)
    : loop_(loop), path_(std::move(path)), handler_(std::move(handler)), log_(log) {
  auto slash = path_.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    if (Status s = make_directories(path_.substr(0, slash)); !s) {
      throw std::runtime_error(s.error().describe());
    }
  }
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      throw std::runtime_error(path_ + " exists and is not a socket; refusing to replace it");
    }
    if (socket_is_live(path_)) {
      throw std::runtime_error("another sunbridged is already serving " + path_);
    }
    ::unlink(path_.c_str());  // left behind by a crash
  }
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd_ == -1) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_un addr = make_address(path_);
  // Create the socket 0660 from the start (umask), then make sure with chmod.
  mode_t old_mask = ::umask(0117);
  int rc = ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old_mask);
  if (rc == -1 || ::chmod(path_.c_str(), 0660) == -1 || ::listen(listen_fd_, 16) == -1) {
    int err = errno;
    ::close(listen_fd_);
    throw std::runtime_error("cannot listen on " + path_ + ": " + std::strerror(err));
  }
  loop_.watch(listen_fd_, POLLIN, [this](short) { accept_clients(); });
}

IpcServer::~IpcServer() {
  for (auto& [fd, c] : clients_) {
    c->alive = false;
    loop_.unwatch(fd);
    ::close(fd);
  }
  if (listen_fd_ != -1) {
    loop_.unwatch(listen_fd_);
    ::close(listen_fd_);
    ::unlink(path_.c_str());
  }
}

void IpcServer::accept_clients() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd == -1) {
      // Out of descriptors or memory leaves the CLI without an answer: say so, once per burst.
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
        log_.warn("ipc", std::string("cannot accept a CLI connection: ") + std::strerror(errno));
      }
      return;
    }
    auto c = std::make_shared<Client>();
    c->fd = fd;
    clients_[fd] = c;
    loop_.watch(fd, POLLIN, [this, fd](short revents) { on_client(fd, revents); });
  }
}

void IpcServer::drop(int fd) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  it->second->alive = false;
  loop_.unwatch(fd);
  ::close(fd);
  clients_.erase(it);
}

void IpcServer::send(int fd, const json& reply) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  Client& c = *it->second;
  c.out += reply.dump(-1, ' ', false, json::error_handler_t::replace);
  c.out += '\n';
  c.busy = false;
  // Flushed, and the next request already waiting in `in` served, on the loop's next turn: a
  // reply given from inside the handler must not re-enter on_client.
  loop_.watch(fd, POLLOUT, [this, fd](short ev) { on_client(fd, ev); });
}

bool IpcServer::serve_waiting_requests(int fd, const std::shared_ptr<Client>& c) {
  // Requests are answered one at a time, in order; pipelined lines wait in `in` and are served
  // as soon as the one before is answered, without waiting for more bytes from the client.
  while (!c->busy && !c->closing) {
    const auto nl = c->in.find('\n');
    if (nl == std::string::npos) break;
    const std::string line = c->in.substr(0, nl);
    c->in.erase(0, nl + 1);
    json request = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded() || !request.is_object()) {
      c->out += R"({"ok":false,"error":"request is not a JSON object"})"
                "\n";
      continue;
    }
    c->busy = true;
    std::weak_ptr<Client> weak = c;
    handler_(request, [this, weak, fd](json reply) {
      auto client = weak.lock();
      if (!client || !client->alive) return;  // the client went away meanwhile
      send(fd, reply);
    });
    if (clients_.find(fd) == clients_.end()) return false;
  }
  return true;
}

void IpcServer::on_client(int fd, short revents) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  std::shared_ptr<Client> c = it->second;

  if ((revents & (POLLHUP | POLLERR)) != 0 && c->busy) {
    // The client left while its request waits on slow work (doctor, a settings change, a
    // forecast). poll() reports a hang-up whatever events are asked for, so keeping the
    // descriptor would wake the loop on every turn: drop it now; the reply has nowhere to go.
    drop(fd);
    return;
  }

  if ((revents & POLLIN) != 0 && !c->busy) {
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        c->in.append(buf, static_cast<std::size_t>(n));
        if (c->in.size() > kMaxRequestBytes) {
          log_.warn("ipc", "a CLI request over " + std::to_string(kMaxRequestBytes) +
                               " bytes was refused and its connection closed");
          c->out += R"({"ok":false,"error":"request too large"})"
                    "\n";
          c->closing = true;
          c->in.clear();
          break;
        }
        continue;
      }
      if (n == 0) c->peer_closed = true;  // requests already received are still answered
      break;                              // EAGAIN or error
    }
  }
  if (!serve_waiting_requests(fd, c)) return;

  while (!c->out.empty()) {
    ssize_t n = ::send(fd, c->out.data(), c->out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      c->out.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    drop(fd);
    return;
  }
  if (c->out.empty() && !c->busy &&
      ((revents & (POLLHUP | POLLERR)) != 0 || c->closing || c->peer_closed)) {
    drop(fd);
    return;
  }
  short want = c->out.empty() ? (c->busy ? 0 : POLLIN) : POLLOUT;
  loop_.watch(fd, want, [this, fd](short ev) { on_client(fd, ev); });
}

}  // namespace sb::adapters
