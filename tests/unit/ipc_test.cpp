// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "sunbridge/adapters/ipc_client.hpp"
#include "sunbridge/adapters/ipc_server.hpp"
#include "testkit/process.hpp"

using namespace sb;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct Server {
  testkit::TempDir dir;
  EventLoop loop;
  std::mutex lines_mu;
  std::vector<std::string> warnings;
  Logger log{LogLevel::kWarning, [this](LogLevel, std::string_view, std::string_view message) {
               std::lock_guard lock(lines_mu);
               warnings.emplace_back(message);
             }};
  std::unique_ptr<adapters::IpcServer> server;
  std::thread thread;

  using Handler = std::function<void(EventLoop&, const json&, adapters::IpcServer::Reply)>;
  explicit Server(Handler h) {
    server = std::make_unique<adapters::IpcServer>(
        loop, dir.file("run/ctl.sock"),
        [this, h](const json& req, adapters::IpcServer::Reply reply) {
          h(loop, req, std::move(reply));
        },
        log);
    thread = std::thread([this] { loop.run(); });
  }
  ~Server() {
    loop.stop();
    thread.join();
  }
  std::string path() const { return server->path(); }
};

// A client that speaks bytes, not the IPC client's protocol.
int connect_raw(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, path.c_str());
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

}  // namespace

TEST_CASE("requests and replies over the control socket, including late replies", "[unit][ipc]") {
  Server s([](EventLoop& loop, const json& req, adapters::IpcServer::Reply reply) {
    if (req.value("cmd", "") == "later") {
      // A reply that comes after other work, as a bus job's does (always on the loop thread).
      loop.schedule_after(20ms, [reply] { reply({{"ok", true}, {"late", true}}); });
      return;
    }
    reply({{"ok", true}, {"echo", req}});
  });
  auto r = adapters::ipc_call(s.path(), {{"cmd", "hello"}, {"n", 7}});
  REQUIRE(r.ok());
  CHECK((*r)["echo"]["n"] == 7);
  auto late = adapters::ipc_call(s.path(), {{"cmd", "later"}});
  REQUIRE(late.ok());
  CHECK((*late)["late"] == true);
  struct stat st {};
  REQUIRE(::stat(s.path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0660);
}

TEST_CASE("bad input gets an error reply and the server survives", "[unit][ipc]") {
  Server s([](EventLoop&, const json&, adapters::IpcServer::Reply reply) {
    reply({{"ok", true}});
  });
  const int fd = connect_raw(s.path());
  const char garbage[] = "this is not json\n";
  REQUIRE(::write(fd, garbage, sizeof garbage - 1) > 0);
  char buf[256] = {};
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  REQUIRE(n > 0);
  CHECK(std::string(buf).find("not a JSON object") != std::string::npos);
  CHECK(adapters::ipc_call(s.path(), {{"cmd", "x"}}).ok());
}

TEST_CASE("an oversized request is refused, logged, and the server goes on", "[unit][ipc]") {
  int handled = 0;
  Server s([&handled](EventLoop&, const json&, adapters::IpcServer::Reply reply) {
    ++handled;
    reply({{"ok", true}});
  });
  const int fd = connect_raw(s.path());
  // One line longer than the limit, with no newline until the end.
  std::string big =
      "{\"cmd\":\"" + std::string(adapters::IpcServer::kMaxRequestBytes, 'x') + "\"}\n";
  std::size_t sent = 0;
  while (sent < big.size()) {
    ssize_t n = ::send(fd, big.data() + sent, big.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close before it has read everything
    sent += static_cast<std::size_t>(n);
  }
  std::string reply;
  char buf[256];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
    reply.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  CHECK(reply.find("request too large") != std::string::npos);
  CHECK(handled == 0);  // nothing of it reached the handler
  REQUIRE(adapters::ipc_call(s.path(), {{"cmd", "x"}}).ok());
  CHECK(handled == 1);
  std::lock_guard lock(s.lines_mu);
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0].find("over 65536 bytes was refused") != std::string::npos);
}

TEST_CASE("a second server on a live socket is refused, a stale one is replaced", "[unit][ipc]") {
  Server s([](EventLoop&, const json&, adapters::IpcServer::Reply reply) {
    reply({{"ok", true}});
  });
  EventLoop other;
  Logger log(LogLevel::kError);
  CHECK_THROWS_WITH(adapters::IpcServer(other, s.path(), nullptr, log),
                    Catch::Contains("already serving"));
  testkit::TempDir dir;
  const std::string stale = dir.file("stale.sock");
  {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, stale.c_str());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    ::close(fd);  // left behind, as after a crash
  }
  CHECK_NOTHROW(adapters::IpcServer(other, stale, nullptr, log));
}

TEST_CASE("no daemon: a clear, typed error", "[unit][ipc]") {
  auto r = adapters::ipc_call("/nonexistent/sunbridged.sock", {{"cmd", "status"}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::kDisconnected);
  CHECK(r.error().detail.find("sunbridged is not running") != std::string::npos);
}
