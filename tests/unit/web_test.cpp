// SPDX-License-Identifier: Apache-2.0
// The dashboard's pure parts: its request parameters, the history downsampling, the password
// hash and sessions, the login limit, the live feed, and its configuration section.
#include <catch2/catch.hpp>

#include <thread>

#include "issues.hpp"

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/web/assets.hpp"
#include "sunbridge/adapters/web/auth.hpp"
#include "sunbridge/adapters/web/live_feed.hpp"
#include "sunbridge/adapters/web/requests.hpp"

using namespace sb::adapters::web;
using nlohmann::json;
using namespace std::chrono_literals;

TEST_CASE("history parameters become the control API's history request", "[unit][web]") {
  auto r = history_request({{"points", "battery.soc,pv.power,battery.soc"},
                            {"since", "2026-12-01"},
                            {"until", "24h"},
                            {"max_points", "300"},
                            {"resolution", "15m"}});
  REQUIRE(r);
  CHECK((*r)["cmd"] == "history");
  CHECK((*r)["points"] == json::array({"battery.soc", "pv.power"}));  // repeated once
  CHECK((*r)["since"] == "2026-12-01");
  CHECK((*r)["until"] == "24h");
  CHECK((*r)["max_points"] == 300);
  CHECK((*r)["resolution"] == "15m");
  // Without parameters: the daemon's default points and period, the default chart width.
  auto d = history_request({});
  REQUIRE(d);
  CHECK_FALSE(d->contains("points"));
  CHECK((*d)["max_points"] == kDefaultChartPoints);
}

TEST_CASE("bad history parameters are refused with the reason", "[unit][web]") {
  auto reason = [](const Query& q) {
    auto r = history_request(q);
    REQUIRE_FALSE(r);
    return r.error().detail;
  };
  CHECK_THAT(reason({{"points", "battery.soc,DROP TABLE"}}),
             Catch::Contains("'DROP TABLE' is not a point name"));
  CHECK_THAT(reason({{"points", ""}}), Catch::Contains("is not a point name"));
  CHECK_THAT(reason({{"points", "a,"}}), Catch::Contains("is not a point name"));
  CHECK_THAT(reason({{"max_points", "1"}}), Catch::Contains("from 2 to 5000"));
  CHECK_THAT(reason({{"max_points", "5001"}}), Catch::Contains("from 2 to 5000"));
  CHECK_THAT(reason({{"max_points", "12x"}}), Catch::Contains("whole number"));
  CHECK_THAT(reason({{"max_points", "-3"}}), Catch::Contains("whole number"));
  CHECK_THAT(reason({{"resolution", "5m"}}), Catch::Contains("auto, raw, 1m, 15m or 1d"));
  CHECK_THAT(reason({{"since", std::string(41, '1')}}), Catch::Contains("date or time"));
  CHECK_THAT(reason({{"since", "2026\n"}}), Catch::Contains("date or time"));
  CHECK_THAT(reason({{"pointz", "a"}}), Catch::Contains("unknown parameter 'pointz'"));
  CHECK_THAT(reason({{"since", "1h"}, {"since", "2h"}}), Catch::Contains("given twice"));
  std::string many;
  for (int i = 0; i < 13; ++i)
    many += (i ? "," : "") + std::string("p") + std::to_string(i);
  CHECK_THAT(reason({{"points", many}}), Catch::Contains("at most 12"));
}

TEST_CASE("chart, report, events and audit parameters are checked", "[unit][web]") {
  auto c = chart_request({{"kind", "week"}, {"date", "2026-11-30"}});
  REQUIRE(c);
  CHECK(*c == json{{"cmd", "plot"}, {"kind", "week"}, {"date", "2026-11-30"}});
  CHECK_FALSE(chart_request({{"kind", "year"}}));
  CHECK_FALSE(chart_request({{"date", "2026-1-30"}}));
  CHECK_FALSE(chart_request({{"date", "2026-11-3x"}}));
  CHECK_FALSE(chart_request({{"date", "2026-02-30"}}));  // a real date, not only its shape
  auto r = report_request({{"period", "year"}});
  REQUIRE(r);
  CHECK((*r)["cmd"] == "report");
  CHECK_FALSE(report_request({{"kind", "day"}}));
  auto e = events_request({{"since", "7d"}});
  REQUIRE(e);
  CHECK(*e == json{{"cmd", "events"}, {"since", "7d"}});
  CHECK_FALSE(events_request({{"limit", "5"}}));
  auto a = audit_request({});
  REQUIRE(a);
  CHECK(*a == json{{"cmd", "audit"}});
}

TEST_CASE("control bodies become settings requests with cause web", "[unit][web]") {
  auto p = param_request(R"({"id":"07","value":"54.0"})");
  REQUIRE(p);
  CHECK(*p == json{{"cmd", "params.set"}, {"id", "07"}, {"value", "54.0"}, {"cause", "web"}});
  // The body may not choose the cause, or anything else.
  CHECK_FALSE(param_request(R"({"id":"07","value":"54","cause":"cli"})"));
  CHECK_FALSE(param_request(R"({"id":"07"})"));
  CHECK_FALSE(param_request(R"({"id":7,"value":"54"})"));
  CHECK_FALSE(param_request(R"({"id":"0777","value":"54"})"));
  CHECK_FALSE(param_request("id=07&value=54"));
  CHECK_FALSE(param_request(R"(["07","54"])"));
  CHECK_FALSE(param_request(std::string(5000, ' ')));
  auto o = override_request(R"({"kind":"pin","profile":"type-a","until":"12h"})");
  REQUIRE(o);
  CHECK(*o ==
        json{{"cmd", "override.set"}, {"kind", "pin"}, {"profile", "type-a"}, {"until", "12h"}});
  auto cl = override_request(R"({"kind":"clear"})");
  REQUIRE(cl);
  CHECK(*cl == json{{"cmd", "override.clear"}, {"kind", "all"}});
  CHECK_FALSE(override_request(R"({"kind":"away"})"));
  CHECK_FALSE(override_request(R"({"kind":"hold","until":"1h\u0000"})"));
  auto pw = login_password(R"({"password":"correct horse"})");
  REQUIRE(pw);
  CHECK(*pw == "correct horse");
  CHECK_FALSE(login_password(R"({"password":""})"));
  CHECK_FALSE(login_password(R"({"pass":"x"})"));
}

TEST_CASE("a Last-Event-ID is a plain number", "[unit][web]") {
  CHECK(parse_last_event_id("42") == 42u);
  CHECK(parse_last_event_id("18446744073709551615") == 18446744073709551615ull);
  CHECK_FALSE(parse_last_event_id(""));
  CHECK_FALSE(parse_last_event_id("18446744073709551616"));
  CHECK_FALSE(parse_last_event_id("4 2"));
  CHECK_FALSE(parse_last_event_id("-1"));
}

TEST_CASE("history rows are averaged down to the points a chart draws", "[unit][web]") {
  json reply = {
      {"ok", true}, {"names", {"a", "b"}}, {"rows", json::array()}, {"rows_min", json::array()}};
  for (int i = 0; i < 10; ++i) {
    reply["rows"].push_back(
        {"t" + std::to_string(i), double(i), i % 2 ? json(nullptr) : json("on")});
  }
  const json out = downsample_history(reply, 4);
  REQUIRE(out["rows"].size() == 4);
  CHECK(out["downsampled_from"] == 10);
  CHECK_FALSE(out.contains("rows_min"));
  // Buckets of rows [0,2) [2,5) [5,7) [7,10): means 0.5, 3, 5.5, 8, at each bucket's first time.
  CHECK(out["rows"][0] == json::array({"t0", 0.5, "on"}));
  CHECK(out["rows"][1] == json::array({"t2", 3.0, "on"}));
  CHECK(out["rows"][2][0] == "t5");
  CHECK(out["rows"][2][1] == 5.5);
  CHECK(out["rows"][3][1] == 8.0);
  // Fewer rows than asked for: unchanged.
  CHECK(downsample_history(reply, 10) == reply);
  // A column with no value in a bucket stays missing.
  json gaps = {{"ok", true},
               {"rows", json::array({json::array({"t0", nullptr}), json::array({"t1", nullptr}),
                                     json::array({"t2", 1.0})})}};
  CHECK(downsample_history(gaps, 2)["rows"][0] == json::array({"t0", nullptr}));
}

TEST_CASE("a password hash verifies only its password", "[unit][web]") {
  const std::string stored = hash_password("correct horse", kMinPasswordIterations);
  auto h = parse_password_hash(stored);
  REQUIRE(h);
  CHECK(h->iterations == kMinPasswordIterations);
  CHECK(h->salt.size() == 16);
  CHECK(verify_password("correct horse", *h));
  CHECK_FALSE(verify_password("correct hors", *h));
  CHECK_FALSE(verify_password("", *h));
  // A fresh salt each time: the same password never gives the same line twice.
  CHECK(hash_password("correct horse", kMinPasswordIterations) != stored);
  CHECK(format_password_hash(*h) == stored);
  CHECK_FALSE(parse_password_hash("pbkdf2-sha256$100$00112233445566778899aabbccddeeff$" +
                                  std::string(64, 'a')));  // too few iterations
  CHECK_FALSE(parse_password_hash("sha1$20000$00$00"));
  CHECK_FALSE(parse_password_hash(stored.substr(0, stored.size() - 2)));
}

TEST_CASE("sessions expire and the oldest goes first", "[unit][web]") {
  const auto t0 = std::chrono::steady_clock::time_point{} + 100h;
  Sessions sessions(std::chrono::seconds(3600), 2);
  const auto a = sessions.open(t0);
  CHECK(a.token.size() == 64);
  CHECK(a.csrf != a.token);
  REQUIRE(sessions.find(a.token, t0 + 30min));
  CHECK(sessions.find(a.token, t0 + 30min)->csrf == a.csrf);
  CHECK_FALSE(sessions.find(a.token, t0 + 61min));
  const auto b = sessions.open(t0);
  const auto c = sessions.open(t0 + 1s);
  const auto d = sessions.open(t0 + 2s);
  CHECK_FALSE(sessions.find(b.token, t0 + 3s));  // evicted: two at most
  CHECK(sessions.find(c.token, t0 + 3s));
  CHECK(sessions.find(d.token, t0 + 3s));
  sessions.close(d.token);
  CHECK_FALSE(sessions.find(d.token, t0 + 3s));
  CHECK_FALSE(sessions.find("", t0));
}

TEST_CASE("wrong passwords lock the address out for a while", "[unit][web]") {
  const auto t0 = std::chrono::steady_clock::time_point{} + 100h;
  LoginLimiter limiter(3, 60s);
  for (int i = 0; i < 3; ++i) {
    CHECK(limiter.wait("10.0.0.2", t0) == 0s);
    limiter.failed("10.0.0.2", t0);
  }
  CHECK(limiter.wait("10.0.0.2", t0 + 10s) == 51s);
  CHECK(limiter.wait("10.0.0.3", t0 + 10s) == 0s);  // another address may still try
  CHECK(limiter.wait("10.0.0.2", t0 + 60s) == 0s);  // the window has passed
  limiter.failed("10.0.0.2", t0 + 61s);
  limiter.succeeded("10.0.0.2");
  CHECK(limiter.wait("10.0.0.2", t0 + 62s) == 0s);
  // All addresses together: at most four times the limit in a window.
  LoginLimiter all(2, 60s);
  for (int i = 0; i < 8; ++i)
    all.failed("10.0.1." + std::to_string(i), t0);
  CHECK(all.wait("10.0.2.1", t0 + 1s) > 0s);
}

TEST_CASE("the live feed hands each stream what is newer than it saw", "[unit][web]") {
  LiveFeed feed(3);
  const auto soon = [] { return std::chrono::steady_clock::now() + 20ms; };
  CHECK(feed.wait_after(0, soon()).empty());  // nothing yet: times out
  CHECK(feed.publish("a") == 1);
  CHECK(feed.publish("b") == 2);
  auto m = feed.wait_after(0, soon());
  REQUIRE(m.size() == 2);
  CHECK(*m[0].data == "a");
  CHECK(m[1].id == 2);
  CHECK(feed.wait_after(2, soon()).empty());
  for (const char* s : {"c", "d", "e"})
    feed.publish(s);
  // Only the newest three are kept for a reconnecting stream.
  m = feed.wait_after(1, soon());
  REQUIRE(m.size() == 3);
  CHECK(*m[0].data == "c");
  // An id from an earlier run of the daemon (above the newest): the newest value.
  m = feed.wait_after(99, soon());
  REQUIRE(m.size() == 1);
  CHECK(*m[0].data == "e");
  // A waiting stream wakes for a new value, and for good at close().
  std::thread publisher([&] {
    std::this_thread::sleep_for(20ms);
    feed.publish("f");
  });
  m = feed.wait_after(5, std::chrono::steady_clock::now() + 5s);
  publisher.join();
  REQUIRE(m.size() == 1);
  CHECK(*m[0].data == "f");
  std::thread closer([&] {
    std::this_thread::sleep_for(20ms);
    feed.close();
  });
  const auto start = std::chrono::steady_clock::now();
  CHECK(feed.wait_after(6, start + 5s).empty());
  closer.join();
  CHECK(std::chrono::steady_clock::now() - start < 4s);
  CHECK(feed.closed());
}

TEST_CASE("the compiled-in page and scripts are complete", "[unit][web]") {
  for (const char* path : {"/index.html", "/app.css", "/app.js", "/chart.min.js", "/favicon.svg"}) {
    INFO(path);
    REQUIRE(find_asset(path) != nullptr);
  }
  const Asset* js = find_asset("/app.js");
  REQUIRE(js->gzipped);
  const std::string text = gunzip(js->body);
  CHECK_THAT(text, Catch::Contains("EventSource('/api/v1/stream')"));
  CHECK(gunzip("not gzip").empty());
  // Chart.js as Debian ships it.
  CHECK_THAT(gunzip(find_asset("/chart.min.js")->body), Catch::Contains("Chart.js v3"));
  // No inline script or style: the page's CSP would block them.
  const std::string html(find_asset("/index.html")->body);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("style=") == std::string::npos);
  CHECK(html.find("<style") == std::string::npos);
  CHECK(html.find(" on") == std::string::npos);  // no onclick= and the like
}

TEST_CASE("the http section: off by default, loopback, control needs a password", "[unit][web]") {
  using sb::adapters::load_config_text;
  auto off = load_config_text("{}", "");
  REQUIRE(off.config);
  CHECK_FALSE(off.config->http.enabled);
  auto on = load_config_text(R"({"http": {"listen": "127.0.0.1:8088"}})", "/etc/sunbridge");
  REQUIRE(on.config);
  CHECK(on.config->http.enabled);
  CHECK(on.config->http.host == "127.0.0.1");
  CHECK(on.config->http.port == 8088);
  CHECK_FALSE(on.config->http.control);
  CHECK(on.warnings.empty());
  const std::string hash = hash_password("correct horse", kMinPasswordIterations);
  auto lan = load_config_text(R"({"http": {"listen": "192.168.1.10:8080", "control": true,
                                           "password_hash": ")" +
                                  hash + R"("}})",
                              "");
  REQUIRE(lan.config);
  CHECK(lan.config->http.control);
  REQUIRE(lan.warnings.size() == 1);
  CHECK_THAT(lan.warnings[0], Catch::Contains("without TLS") && Catch::Contains("in clear"));
  // Every problem at once.
  auto bad = load_config_text(R"({"http": {"listen": "127.0.0.1", "control": true,
                                           "tls": {"cert_file": "c.pem"}, "port": 80}})",
                              "");
  REQUIRE_FALSE(bad.config);
  CHECK(sb::test::has_issue(bad.issues, "http.listen", "ADDRESS:PORT"));
  CHECK(sb::test::has_issue(bad.issues, "http.port", "unknown"));
  auto relations =
      load_config_text(R"({"http": {"control": true, "tls": {"cert_file": "c"}}})", "");
  REQUIRE_FALSE(relations.config);
  CHECK(sb::test::has_issue(relations.issues, "http.tls", "both"));
  CHECK(sb::test::has_issue(relations.issues, "http.password_hash", "required"));
  CHECK(sb::test::has_issue(relations.issues, "http.listen", "required"));
  for (const char* listen : {"::1", "127.0.0.1:0", "127.0.0.1:65536", ":8080"}) {
    INFO(listen);
    auto l = load_config_text(json{{"http", {{"listen", listen}}}}.dump(), "");
    REQUIRE_FALSE(l.config);
    CHECK(sb::test::has_issue(l.issues, "http.listen", "ADDRESS:PORT"));
  }
  auto v6 = load_config_text(R"({"http": {"listen": "[::1]:8080"}})", "");
  REQUIRE(v6.config);
  CHECK(v6.config->http.host == "::1");
  CHECK(v6.config->http.port == 8080);
  CHECK(v6.warnings.empty());
  auto weak = load_config_text(R"({"http": {"password_hash": "pbkdf2-sha256$5$00$00"}})", "");
  REQUIRE_FALSE(weak.config);
  CHECK(sb::test::has_issue(weak.issues, "http.password_hash", "--hash-password"));
}
