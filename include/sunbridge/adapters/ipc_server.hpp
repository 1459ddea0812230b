// SPDX-License-Identifier: Apache-2.0
// The daemon's local control socket: a Unix stream socket, mode 0660, one JSON request per line
// and one JSON reply per line. Runs on the event loop; a handler may reply later (after bus work)
// through the Reply callback. Apart from the opt-in web dashboard (http.listen), this is the
// daemon's only way in.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/log.hpp"

namespace sb::adapters {

class IpcServer {
 public:
  using Reply = std::function<void(nlohmann::json)>;
  using Handler = std::function<void(const nlohmann::json& request, Reply reply)>;

  static constexpr std::size_t kMaxRequestBytes = 64 * 1024;

  // Binds `path` (creating its directory). A live socket at `path` means another daemon runs:
  // std::runtime_error. A stale one is replaced. Start-up only.
  IpcServer(EventLoop& loop, std::string path, Handler handler, Logger& log);
  ~IpcServer();
  IpcServer(const IpcServer&) = delete;
  IpcServer& operator=(const IpcServer&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::size_t clients() const { return clients_.size(); }

 private:
  struct Client;
  void accept_clients();
  void on_client(int fd, short revents);
  // Answers the complete requests waiting in the client's buffer; false if it was dropped.
  bool serve_waiting_requests(int fd, const std::shared_ptr<Client>& c);
  void send(int fd, const nlohmann::json& reply);
  void drop(int fd);

  EventLoop& loop_;
  std::string path_;
  Handler handler_;
  Logger& log_;
  int listen_fd_ = -1;
  std::map<int, std::shared_ptr<Client>> clients_;
};

}  // namespace sb::adapters
