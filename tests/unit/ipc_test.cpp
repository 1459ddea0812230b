// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <future>
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

namespace {

// Reads from `fd` until `lines` newline-terminated lines arrived, the peer closed, or 5 s passed.
std::string read_lines(int fd, std::size_t lines) {
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (static_cast<std::size_t>(std::count(got.begin(), got.end(), '\n')) < lines &&
         std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) != 1) continue;
    char buf[512];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

std::chrono::nanoseconds thread_cpu(std::thread& t) {
  clockid_t id{};
  REQUIRE(::pthread_getcpuclockid(t.native_handle(), &id) == 0);
  timespec ts{};
  REQUIRE(::clock_gettime(id, &ts) == 0);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

std::size_t clients_on_loop(Server& s) {
  std::promise<std::size_t> count;
  s.loop.post([&] { count.set_value(s.server->clients()); });
  return count.get_future().get();
}

}  // namespace

TEST_CASE("a client that leaves mid-request is dropped and the loop goes back to sleep",
          "[unit][ipc]") {
  std::promise<void> asked;
  std::vector<adapters::IpcServer::Reply> held;  // slow work that never finishes in time
  Server s([&](EventLoop&, const json& req, adapters::IpcServer::Reply reply) {
    if (req.value("cmd", "") != "doctor") return reply({{"ok", true}});
    held.push_back(std::move(reply));
    asked.set_value();
  });
  const int fd = connect_raw(s.path());
  const std::string request = R"({"cmd":"doctor"})"
                              "\n";
  REQUIRE(::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  REQUIRE(asked.get_future().wait_for(5s) == std::future_status::ready);
  ::close(fd);  // Ctrl-C on the CLI
  std::this_thread::sleep_for(100ms);
  const auto cpu_before = thread_cpu(s.thread);
  std::this_thread::sleep_for(1s);
  const auto cpu_used = thread_cpu(s.thread) - cpu_before;
  // An idle loop uses next to nothing; one that spins on the hang-up uses the whole second.
  CHECK(cpu_used < 100ms);
  CHECK(clients_on_loop(s) == 0);
  // The late reply finds nobody and harms nobody; the server still answers.
  s.loop.post([&] { held.front()({{"ok", true}}); });
  CHECK(adapters::ipc_call(s.path(), {{"cmd", "x"}}, 2s).ok());
}

TEST_CASE("pipelined requests on one connection are all answered without more bytes",
          "[unit][ipc]") {
  Server s([](EventLoop& loop, const json& req, adapters::IpcServer::Reply reply) {
    const int n = req.value("n", 0);
    if (n == 1) {  // the first answers after bus work, the others at once
      loop.schedule_after(20ms, [reply, n] { reply({{"ok", true}, {"n", n}}); });
      return;
    }
    reply({{"ok", true}, {"n", n}});
  });
  const int fd = connect_raw(s.path());
  const std::string requests = "{\"n\":1}\n{\"n\":2}\nnot json\n{\"n\":3}\n";
  REQUIRE(::write(fd, requests.data(), requests.size()) == static_cast<ssize_t>(requests.size()));
  const std::string got = read_lines(fd, 4);
  ::close(fd);
  INFO(got);
  std::vector<std::string> lines;
  for (std::size_t start = 0, nl; (nl = got.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(got.substr(start, nl - start));
  REQUIRE(lines.size() == 4);
  CHECK(json::parse(lines[0])["n"] == 1);  // in order, one at a time
  CHECK(json::parse(lines[1])["n"] == 2);
  CHECK(lines[2].find("not a JSON object") != std::string::npos);
  CHECK(json::parse(lines[3])["n"] == 3);
}

TEST_CASE("a request sent with the write side shut is still answered", "[unit][ipc]") {
  Server s([](EventLoop&, const json& req, adapters::IpcServer::Reply reply) {
    reply({{"ok", true}, {"n", req.value("n", 0)}});
  });
  const int fd = connect_raw(s.path());
  const std::string request = "{\"n\":5}\n";
  REQUIRE(::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  REQUIRE(::shutdown(fd, SHUT_WR) == 0);
  const std::string got = read_lines(fd, 1);
  ::close(fd);
  REQUIRE(got.find('\n') != std::string::npos);
  CHECK(json::parse(got.substr(0, got.find('\n')))["n"] == 5);
}
