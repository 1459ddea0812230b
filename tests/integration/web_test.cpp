// SPDX-License-Identifier: Apache-2.0
// The dashboard over HTTP on 127.0.0.1, against the daemon and the simulator: every endpoint,
// refusals with a reason, the live stream and its resume, the login and control path, and the
// daemon staying responsive under slow, vanished and many clients. The page in a real browser
// is tests/browser/dashboard_test.py.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include <httplib.h>
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "mqtt_support.hpp"
#include "sunbridge/adapters/web/auth.hpp"
#include "sunbridge/adapters/web/dashboard.hpp"

using namespace sb;
using namespace sb::it;

namespace {

constexpr const char* kPassword = "correct horse battery";

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

json http_section(int port, bool control) {
  json h = {{"listen", "127.0.0.1:" + std::to_string(port)}, {"control", control}};
  if (control) h["password_hash"] = adapters::web::hash_password(kPassword, 10000);
  return h;
}

json body_of(const httplib::Result& r) {
  REQUIRE(r);
  return json::parse(r->body);
}

// Reads a live stream until `events` status events arrived (or `timeout`); returns their ids
// and data.
struct Streamed {
  std::vector<std::uint64_t> ids;
  std::vector<json> data;
  int status = 0;
};
// `first`, if given, counts up when the first event arrives.
Streamed read_stream(int port, std::size_t events, std::chrono::milliseconds timeout,
                     const httplib::Headers& headers = {}, std::atomic<int>* first = nullptr) {
  Streamed out;
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(std::chrono::duration_cast<std::chrono::seconds>(timeout) + 1s);
  std::string buffer;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto r = c.Get("/api/v1/stream", headers, [&](const char* data, std::size_t n) {
    buffer.append(data, n);
    std::size_t end;
    while ((end = buffer.find("\n\n")) != std::string::npos) {
      const std::string block = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      std::uint64_t id = 0;
      std::string payload;
      std::size_t pos = 0;
      while (pos < block.size()) {
        const std::size_t nl = std::min(block.find('\n', pos), block.size());
        const std::string line = block.substr(pos, nl - pos);
        if (line.rfind("id: ", 0) == 0) id = std::stoull(line.substr(4));
        if (line.rfind("data: ", 0) == 0) payload = line.substr(6);
        pos = nl + 1;
      }
      if (!payload.empty()) {
        out.ids.push_back(id);
        out.data.push_back(json::parse(payload));
        if (first != nullptr && out.ids.size() == 1) first->fetch_add(1);
      }
    }
    return out.ids.size() < events && std::chrono::steady_clock::now() < deadline;
  });
  // The HTTP status, or minus httplib's error code when there was no answer.
  out.status = r ? r->status : -static_cast<int>(r.error());
  return out;
}

// LCD 07 as the simulator's register holds it (0xE20A, 0.1 A).
double p07(Sim& sim) {
  return sim.control({{"cmd", "get-reg"}, {"address", 0xE20A}})["words"][0].get<int>() / 10.0;
}

double soc_of(const json& status) {
  const json& p = status["points"]["battery.soc"];
  return p["value"].is_number() ? p["value"].get<double>() : -1;
}

// The simulator and a daemon serving the dashboard on a free loopback port, polling.
struct Site {
  explicit Site(bool control, const json& tls = nullptr) {
    json http = http_section(port, control);
    if (!tls.is_null()) http["tls"] = tls;
    d = std::make_unique<Daemon>(dir, sim.link(), json{{"http", http}});
    d->wait_for([](const json& s) { return fresh(s, "battery.soc"); });
  }
  testkit::TempDir dir;
  Sim sim{dir};
  const int port = testkit::free_loopback_port();
  std::unique_ptr<Daemon> d;
};

}  // namespace

TEST_CASE("the dashboard serves its page, its API and live values", "[integration][web]") {
  Site site(false);
  Sim& sim = site.sim;
  Daemon& d = *site.d;
  const int port = site.port;
  httplib::Client c("127.0.0.1", port);

  SECTION("the page, with its security headers, and the compressed scripts") {
    auto page = c.Get("/");
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK_THAT(page->body, Catch::Contains("<script src=\"/app.js\" defer>"));
    CHECK_THAT(page->get_header_value("Content-Security-Policy"),
               Catch::Contains("script-src 'self'") && Catch::Contains("frame-ancestors 'none'"));
    CHECK(page->get_header_value("X-Frame-Options") == "DENY");
    CHECK(page->get_header_value("X-Content-Type-Options") == "nosniff");
    // Stored compressed, sent as stored; the client unpacks it.
    auto js = c.Get("/app.js", {{"Accept-Encoding", "gzip"}});
    REQUIRE(js);
    CHECK(js->status == 200);
    CHECK(js->get_header_value("Content-Encoding") == "gzip");
    CHECK_THAT(js->body, Catch::Contains("EventSource"));
    // A client that takes no gzip gets the plain text.
    httplib::Client plain("127.0.0.1", port);
    plain.set_decompress(false);
    auto chart = plain.Get("/chart.min.js");
    REQUIRE(chart);
    CHECK(chart->get_header_value("Content-Encoding").empty());
    CHECK_THAT(chart->body, Catch::StartsWith("/*!\n * Chart.js v3"));
    auto again = c.Get("/app.js", {{"If-None-Match", js->get_header_value("ETag")}});
    REQUIRE(again);
    CHECK(again->status == 304);
  }

  SECTION("the snapshot is the status the control socket gives, with the simulator's values") {
    sim.set("battery.soc", 63);
    d.wait_for([](const json& s) { return maybe_number(s, "battery.soc") == 63.0; });
    const json snap = body_of(c.Get("/api/v1/snapshot"));
    const json status = d.status();
    CHECK(snap["ok"] == true);
    CHECK(soc_of(snap) == 63.0);
    for (const auto& [name, _] : status["points"].items()) {
      INFO(name);
      CHECK(snap["points"].contains(name));
    }
    CHECK(snap["daemon"]["pid"] == status["daemon"]["pid"]);
    auto bad = c.Get("/api/v1/snapshot?x=1");
    REQUIRE(bad);
    CHECK(bad->status == 400);
  }

  SECTION("bad parameters get a 400 with the reason, unknown pages a 404") {
    struct Case {
      const char* path;
      int status;
      const char* words;
    };
    for (const Case& k : std::vector<Case>{
             {"/api/v1/history?points=Battery.SOC", 400, "is not a point name"},
             {"/api/v1/history?max_points=0", 400, "from 2 to 5000"},
             {"/api/v1/history?since=next%20week", 400, "since: expected"},
             {"/api/v1/history?points=no.such.point", 400, "no.such.point"},
             {"/api/v1/history?resolution=5m", 400, "resolution"},
             {"/api/v1/chart?kind=decade", 400, "kind: expected day, week, month"},
             {"/api/v1/chart?date=2026-13-45", 400, "date"},
             {"/api/v1/report?period=day&date=20261201", 400, "YYYY-MM-DD"},
             {"/api/v1/events?since=yesterday&limit=3", 400, "unknown parameter 'limit'"},
             {"/api/v1/nothing", 404, "no such page"},
             {"/etc/passwd", 404, "no such page"},
         }) {
      INFO(k.path);
      auto r = c.Get(k.path);
      REQUIRE(r);
      CHECK(r->status == k.status);
      const json j = json::parse(r->body, nullptr, false);
      REQUIRE(j.is_object());
      CHECK(j["ok"] == false);
      CHECK_THAT(j["error"].get<std::string>(), Catch::Contains(k.words));
    }
    // A body far over the limit is refused before anything reads it.
    auto big = c.Post("/api/v1/login", std::string(64 * 1024, 'x'), "application/json");
    REQUIRE(big);
    CHECK(big->status == 413);
  }

  SECTION("history, events, chart, report and battery answer") {
    std::this_thread::sleep_for(2500ms);  // a few recorded samples (sample_interval 1 s)
    const json h = body_of(c.Get("/api/v1/history?points=battery.soc,pv.power&since=1h"));
    REQUIRE(h["ok"] == true);
    CHECK(h["names"] == json::array({"battery.soc", "pv.power"}));
    const std::size_t all = h["rows"].size();
    CHECK(all >= 2);
    const json two = body_of(c.Get("/api/v1/history?points=battery.soc&since=1h&max_points=2"));
    CHECK(two["rows"].size() == 2);
    CHECK(two["downsampled_from"].get<std::size_t>() >= 2);
    CHECK(body_of(c.Get("/api/v1/events?since=1h"))["ok"] == true);
    const json chart = body_of(c.Get("/api/v1/chart?kind=day"));
    CHECK(chart["chart"]["kind"] == "lines");
    CHECK(body_of(c.Get("/api/v1/report?period=month"))["ok"] == true);
    CHECK(body_of(c.Get("/api/v1/battery"))["ok"] == true);
    CHECK(body_of(c.Get("/api/v1/profile"))["ok"] == true);
    CHECK(body_of(c.Get("/api/v1/checks"))["checks"].size() > 0);
    CHECK(body_of(c.Get("/api/v1/audit?since=1h"))["audit"].is_array());
  }

  SECTION("the live stream follows the simulator and resumes after the last id seen") {
    const Streamed first = read_stream(port, 2, 10s);
    REQUIRE(first.ids.size() == 2);
    CHECK(first.ids[1] > first.ids[0]);
    CHECK(first.data[0]["ok"] == true);
    CHECK(first.data[0]["checks"].is_array());
    sim.set("battery.soc", 41);
    bool seen = false;
    for (int i = 0; i < 5 && !seen; ++i) {
      const Streamed s = read_stream(port, 3, 5s);
      for (const auto& j : s.data)
        seen = seen || soc_of(j) == 41.0;
    }
    CHECK(seen);
    // Resume: the next event after the one it saw, not a gap and not a repeat.
    const Streamed head = read_stream(port, 1, 5s);
    REQUIRE(head.ids.size() == 1);
    const Streamed resumed =
        read_stream(port, 1, 5s, {{"Last-Event-ID", std::to_string(head.ids[0])}});
    REQUIRE(resumed.ids.size() == 1);
    CHECK(resumed.ids[0] == head.ids[0] + 1);
  }

  SECTION("read-only: no login and no control") {
    const json session = body_of(c.Get("/api/v1/session"));
    CHECK(session["control"] == false);
    auto login = c.Post("/api/v1/login", R"({"password":"x"})", "application/json");
    REQUIRE(login);
    CHECK(login->status == 403);
    auto write = c.Post("/api/v1/control/param", R"({"id":"07","value":"54"})", "application/json");
    REQUIRE(write);
    CHECK(write->status == 403);
    CHECK_THAT(write->body, Catch::Contains("read-only"));
  }
}

TEST_CASE("control from the dashboard needs a login and the CSRF token, and is audited",
          "[integration][web]") {
  Site site(true);
  Sim& sim = site.sim;
  Daemon& d = *site.d;
  const int port = site.port;
  d.wait_for([](const json& s) { return s["points"].contains("setting.p07"); });
  httplib::Client c("127.0.0.1", port);
  const double before = p07(sim);

  auto wrong = c.Post("/api/v1/login", R"({"password":"guess"})", "application/json");
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  CHECK(wrong->get_header_value("Set-Cookie").empty());
  auto login = c.Post("/api/v1/login", json{{"password", kPassword}}.dump(), "application/json");
  REQUIRE(login);
  REQUIRE(login->status == 200);
  const std::string set_cookie = login->get_header_value("Set-Cookie");
  CHECK_THAT(set_cookie, Catch::Contains("HttpOnly") && Catch::Contains("SameSite=Strict"));
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  const std::string csrf = json::parse(login->body)["csrf"];
  const std::string change = R"({"id":"07","value":"54.5"})";

  // Without the token, with a wrong one, without the cookie, from another site: refused, and
  // nothing is written.
  const auto refused = [&](const httplib::Headers& h, int status) {
    auto r = c.Post("/api/v1/control/param", h, change, "application/json");
    REQUIRE(r);
    CHECK(r->status == status);
  };
  refused({{"Cookie", cookie}}, 403);
  refused({{"Cookie", cookie}, {"X-CSRF-Token", std::string(csrf.size(), '0')}}, 403);
  refused({{"X-CSRF-Token", csrf}}, 401);
  refused({{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Origin", "http://evil.example"}}, 403);
  CHECK(p07(sim) == before);

  // With both: written through the settings writer, read back, audited with cause web.
  auto ok = c.Post("/api/v1/control/param",
                   {{"Cookie", cookie},
                    {"X-CSRF-Token", csrf},
                    {"Origin", "http://127.0.0.1:" + std::to_string(port)}},
                   change, "application/json");
  REQUIRE(ok);
  INFO(ok->body);
  REQUIRE(ok->status == 200);
  const json written = json::parse(ok->body);
  CHECK(written["cause"] == "web");
  CHECK(written["steps"][0]["readback"] == "54.5");
  CHECK(p07(sim) == 54.5);
  const json audit = d.call({{"cmd", "audit"}});
  REQUIRE(audit["audit"].size() >= 1);
  CHECK(audit["audit"].back()["cause"] == "web");
  CHECK(audit["audit"].back()["new"] == "54.5");
  // A value the register map refuses: 409 with the reason, nothing written.
  auto bad = c.Post("/api/v1/control/param", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}},
                    R"({"id":"07","value":"fifty"})", "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 409);
  CHECK(p07(sim) == 54.5);

  // Overrides: a hold and its end, through the same controller as `sunbridge override`.
  const httplib::Headers session = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
  auto hold = c.Post("/api/v1/control/override", session, R"({"kind":"hold","until":"2h"})",
                     "application/json");
  REQUIRE(hold);
  CHECK(hold->status == 200);
  CHECK(d.call({{"cmd", "profile.show"}})["overrides"].contains("hold"));
  auto no_profile = c.Post("/api/v1/control/override", session,
                           R"({"kind":"pin","profile":"type-z","until":"2h"})", "application/json");
  REQUIRE(no_profile);
  CHECK(no_profile->status == 409);
  CHECK_THAT(no_profile->body, Catch::Contains("no profile named 'type-z'"));
  auto clear =
      c.Post("/api/v1/control/override", session, R"({"kind":"clear"})", "application/json");
  REQUIRE(clear);
  CHECK(clear->status == 200);
  CHECK_FALSE(d.call({{"cmd", "profile.show"}})["overrides"].contains("hold"));

  // After logging out the session is gone.
  auto out = c.Post("/api/v1/logout", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}, "{}",
                    "application/json");
  REQUIRE(out);
  CHECK(out->status == 200);
  refused({{"Cookie", cookie}, {"X-CSRF-Token", csrf}}, 401);

  // Five wrong passwords in a row (the login above cleared the first): the address waits, even
  // with the right one.
  for (int i = 0; i < 5; ++i)
    c.Post("/api/v1/login", R"({"password":"guess"})", "application/json");
  auto locked = c.Post("/api/v1/login", json{{"password", kPassword}}.dump(), "application/json");
  REQUIRE(locked);
  CHECK(locked->status == 429);
  CHECK(std::stoi(locked->get_header_value("Retry-After")) > 0);
}

TEST_CASE("slow clients and many live views never hold up the daemon", "[integration][web]") {
  Site site(false);
  Sim& sim = site.sim;
  Daemon& d = *site.d;
  const int port = site.port;

  // A client that sends half a request and waits; one that opens a stream and never reads.
  const auto connect_raw = [&] {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int small = 1024;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    const sockaddr_in a = loopback(port);
    REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0);
    return fd;
  };
  const int half = connect_raw();
  const std::string partial = "GET /api/v1/snapshot HTTP/1.1\r\nHost: x\r\n";
  REQUIRE(::send(half, partial.data(), partial.size(), 0) > 0);
  const int deaf = connect_raw();
  const std::string stream = "GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n";
  REQUIRE(::send(deaf, stream.data(), stream.size(), 0) > 0);

  // 19 more live views (20 with the deaf one), each must see values arrive.
  std::vector<std::thread> viewers;
  std::atomic<int> served{0};
  for (int i = 0; i < 19; ++i) {
    viewers.emplace_back([&] {
      if (read_stream(port, 3, 15s).ids.size() == 3) served.fetch_add(1);
    });
  }
  // Meanwhile the loop answers and keeps polling.
  const auto start = std::chrono::steady_clock::now();
  const json s0 = d.status();
  std::this_thread::sleep_for(1500ms);
  sim.set("battery.soc", 77);
  d.wait_for([](const json& s) { return maybe_number(s, "battery.soc") == 77.0; }, 5s);
  CHECK(std::chrono::steady_clock::now() - start < 8s);
  for (auto& t : viewers)
    t.join();
  CHECK(served.load() == 19);
  // A view beyond the 20 allowed is turned away while the others are open.
  // (The deaf view may count among the 20 or have been dropped by now: either way, once every
  // holder is streaming or turned away, all 20 places are taken.)
  std::vector<std::thread> holders;
  std::atomic<int> streaming{0}, turned_away{0};
  for (int i = 0; i < 20; ++i) {
    holders.emplace_back([&] {
      if (read_stream(port, 20, 8s, {}, &streaming).status == 503) turned_away.fetch_add(1);
    });
  }
  const auto settle = std::chrono::steady_clock::now() + 6s;
  while (streaming.load() + turned_away.load() < 20 && std::chrono::steady_clock::now() < settle)
    std::this_thread::sleep_for(20ms);
  REQUIRE(streaming.load() + turned_away.load() == 20);
  const Streamed extra = read_stream(port, 1, 2s);
  for (auto& t : holders)
    t.join();
  CHECK(extra.status == 503);
  ::close(half);
  ::close(deaf);
  // Still answering over HTTP afterwards.
  httplib::Client c("127.0.0.1", port);
  CHECK(soc_of(body_of(c.Get("/api/v1/snapshot"))) == 77.0);
  (void)s0;
}

TEST_CASE("the dashboard over HTTPS with a configured certificate", "[integration][web]") {
  testkit::TempDir certs;
  const TestPki pki(certs);
  Site site(true, {{"cert_file", pki.server_cert}, {"key_file", pki.server_key}});
  const int port = site.port;
  httplib::SSLClient tls("127.0.0.1", port);
  tls.set_ca_cert_path(pki.ca.c_str());
  tls.enable_server_certificate_verification(true);
  const json snap = body_of(tls.Get("/api/v1/snapshot"));
  CHECK(snap["ok"] == true);
  // The session cookie is for HTTPS only.
  auto login = tls.Post("/api/v1/login", json{{"password", kPassword}}.dump(), "application/json");
  REQUIRE(login);
  CHECK(login->status == 200);
  CHECK_THAT(login->get_header_value("Set-Cookie"), Catch::Contains("; Secure"));
  // Plain HTTP gets no answer, and a client that does not trust the certificate refuses it.
  httplib::Client plain("127.0.0.1", port);
  plain.set_read_timeout(2s);
  auto r = plain.Get("/api/v1/snapshot");
  CHECK((!r || r->status != 200));
  httplib::SSLClient untrusting("127.0.0.1", port);
  untrusting.set_ca_cert_path(pki.other_ca.c_str());
  untrusting.enable_server_certificate_verification(true);
  CHECK_FALSE(untrusting.Get("/api/v1/snapshot"));
}

TEST_CASE("a dashboard address in use or a missing certificate stops the start with the reason",
          "[integration][web]") {
  testkit::TempDir dir;
  Sim sim(dir);
  const int port = testkit::free_loopback_port();
  json config = fast_config(dir, sim.link());
  config["http"] = http_section(port, false);
  config["http"]["tls"] = {{"cert_file", dir.file("missing.pem")},
                           {"key_file", dir.file("missing.key")}};
  testkit::write_file(dir.file("bad.json"), config.dump());
  auto r = testkit::run({SUNBRIDGED_PATH, "--config", dir.file("bad.json")}, 20s);
  CHECK(r.status == 1);
  CHECK_THAT(r.out + r.err, Catch::Contains("http.tls: cannot load the certificate"));
  // The port taken by another program.
  const int taken = ::socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in a = loopback(port);
  REQUIRE(::bind(taken, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(taken, 1) == 0);
  config["http"].erase("tls");
  testkit::write_file(dir.file("taken.json"), config.dump());
  r = testkit::run({SUNBRIDGED_PATH, "--config", dir.file("taken.json")}, 20s);
  ::close(taken);
  CHECK(r.status == 1);
  CHECK_THAT(r.out + r.err,
             Catch::Contains("http.listen: cannot listen on 127.0.0.1:" + std::to_string(port)));
}

TEST_CASE(
    "the dashboard's module is loaded only when the dashboard is on, and its absence is "
    "named",
    "[integration][web]") {
  // Debian's HTTP library initialises OpenSSL as soon as it is loaded: a daemon without the
  // dashboard must not map it at all.
  auto mapped = [](const testkit::Process& p) {
    return testkit::read_file("/proc/" + std::to_string(p.pid()) + "/maps");
  };
  {
    testkit::TempDir dir;
    Sim sim(dir);
    Daemon d(dir, sim.link());
    d.wait_for([](const json& s) { return fresh(s, "battery.soc"); });
    const std::string maps = mapped(d.process());
    CHECK_THAT(maps, Catch::Contains("libsqlite3"));  // the maps were read
    CHECK_THAT(maps, !Catch::Contains(adapters::web::kDashboardModuleName));
    CHECK_THAT(maps, !Catch::Contains("libcpp-httplib"));
  }
  {
    Site site(false);
    const std::string maps = mapped(site.d->process());
    CHECK_THAT(maps, Catch::Contains(adapters::web::kDashboardModuleName));
    CHECK_THAT(maps, Catch::Contains("libcpp-httplib"));
  }
  // The daemon alone in a directory, the module neither beside it nor installed: the start
  // stops and says what is missing.
  const std::string installed =
      adapters::web::dashboard_module_dir() + "/" + adapters::web::kDashboardModuleName;
  if (std::filesystem::exists(installed)) {
    WARN("the package's module is installed on this machine: not checking a missing one");
    return;
  }
  testkit::TempDir dir;
  Sim sim(dir);
  const std::string alone = dir.file("sunbridged");
  std::error_code ec;
  std::filesystem::create_hard_link(SUNBRIDGED_PATH, alone, ec);
  if (ec) std::filesystem::copy_file(SUNBRIDGED_PATH, alone);
  json config = fast_config(dir, sim.link());
  config["http"] = http_section(testkit::free_loopback_port(), false);
  testkit::write_file(dir.file("d.json"), config.dump());
  const std::string missing =
      "http.listen: the dashboard (sunbridge-dashboard.so) is not installed beside sunbridged or "
      "in " +
      adapters::web::dashboard_module_dir();
  auto r = testkit::run({alone, "--config", dir.file("d.json")}, 20s);
  CHECK(r.status == 1);
  CHECK_THAT(r.out + r.err, Catch::Contains("cannot start: " + missing));
  // An installer's check of the configuration finds it before anything starts.
  r = testkit::run({alone, "--check-config", dir.file("d.json")}, 20s);
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains(dir.file("d.json") + ": " + missing));
  CHECK_THAT(r.err, Catch::Contains("1 problem(s); configuration rejected"));
  // The same configuration beside the module is fine.
  r = testkit::run({SUNBRIDGED_PATH, "--check-config", dir.file("d.json")}, 20s);
  INFO(r.err);
  CHECK(r.status == 0);
}
