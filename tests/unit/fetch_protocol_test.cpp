// SPDX-License-Identifier: Apache-2.0
// What sunbridged and sunbridge-fetch say over the pipe: byte-exact round trips, every
// truncation and padding refused, and the daemon's side of a helper that misbehaves.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "sunbridge/adapters/fetch_protocol.hpp"
#include "sunbridge/adapters/outbound.hpp"
#include "testkit/process.hpp"

using namespace sb;
using namespace std::chrono_literals;

namespace {

adapters::FetchMail sample_mail() {
  adapters::FetchMail mail;
  mail.server.url = "smtps://mail.example.com:465";
  mail.server.from = "sunbridge <gateway@example.com>";
  mail.server.to = {"owner@example.com", "installer@example.com"};
  mail.server.username = "gateway";
  mail.server.password = "s3cret\nwith a newline";
  mail.server.timeout = 45s;
  mail.message.subject = "sunbridge takamatsu: day 2026-12-01 (売電)";
  mail.message.text = "kWh bought: 4.2\n\x01\x02 binary-safe\n";
  std::string png("\x89PNG\r\n\x1a\n", 8);
  png += std::string("\0\n{\"ok\":true}\n", 14);
  mail.message.attachments = {{"sunbridge-day-2026-12-01.png", "image/png", png},
                              {"empty.txt", "text/plain", ""}};
  mail.now = WallTime(std::chrono::milliseconds(1'795'000'000'123));
  return mail;
}

}  // namespace

TEST_CASE("fetch protocol: a GET and a mail survive the round trip byte for byte", "[fetch]") {
  adapters::FetchGet get{"https://api.open-meteo.com/v1/forecast?latitude=34.34", {}};
  get.options.timeout = 7s;
  get.options.max_bytes = 123456;
  get.options.user_agent = "sunbridge/0.1";
  auto back = adapters::decode_fetch_request(adapters::encode_fetch_request(get));
  REQUIRE(back);
  const auto& g = std::get<adapters::FetchGet>(*back);
  CHECK(g.url == get.url);
  CHECK(g.options.timeout == 7s);
  CHECK(g.options.max_bytes == 123456);
  CHECK(g.options.user_agent == "sunbridge/0.1");

  const auto mail = sample_mail();
  const std::string bytes = adapters::encode_fetch_request(mail);
  auto decoded = adapters::decode_fetch_request(bytes);
  REQUIRE(decoded);
  const auto& m = std::get<adapters::FetchMail>(*decoded);
  CHECK(m.server.url == mail.server.url);
  CHECK(m.server.from == mail.server.from);
  CHECK(m.server.to == mail.server.to);
  CHECK(m.server.username == "gateway");
  CHECK(m.server.password == mail.server.password);
  CHECK(m.server.timeout == 45s);
  CHECK(m.message.subject == mail.message.subject);
  CHECK(m.message.text == mail.message.text);
  REQUIRE(m.message.attachments.size() == 2);
  CHECK(m.message.attachments[0].file_name == "sunbridge-day-2026-12-01.png");
  CHECK(m.message.attachments[0].content_type == "image/png");
  CHECK(m.message.attachments[0].data == mail.message.attachments[0].data);
  CHECK(m.message.attachments[1].data.empty());
  CHECK(m.now == mail.now);
  // The header is one line: the password's newline is escaped inside it.
  CHECK(bytes.substr(0, bytes.find('\n')).find("s3cret\\nwith") != std::string::npos);
}

TEST_CASE("fetch protocol: replies carry a binary body or the error's kind and class", "[fetch]") {
  const std::string body = std::string("{\"daily\":[1,2]}\n\0\xff", 18);
  auto ok = adapters::decode_fetch_reply(adapters::encode_fetch_reply(body));
  REQUIRE(ok);
  CHECK(*ok == body);
  auto empty = adapters::decode_fetch_reply(adapters::encode_fetch_reply(std::string()));
  REQUIRE(empty);
  CHECK(empty->empty());

  for (const Error& e :
       {Error::timeout("GET x: timed out"), Error::disconnected("refused", 111),
        Error::invalid("login denied"), Error::io(0, "HTTP 503"), Error::malformed("too big")}) {
    auto back = adapters::decode_fetch_reply(adapters::encode_fetch_reply(e));
    REQUIRE_FALSE(back);
    CHECK(back.error().kind == e.kind);
    CHECK(back.error().code == e.code);
    CHECK(back.error().retryable() == e.retryable());
    CHECK(back.error().detail == e.detail);
  }
}

TEST_CASE("fetch protocol: truncated, padded and mistyped messages are malformed, named",
          "[fetch]") {
  const std::string request = adapters::encode_fetch_request(sample_mail());
  // Every proper prefix is refused (the last attachment is announced, so nothing is "complete"
  // early), and so is one byte more.
  for (std::size_t n = 0; n < request.size(); ++n) {
    auto r = adapters::decode_fetch_request(std::string_view(request).substr(0, n));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::kMalformed);
  }
  CHECK_FALSE(adapters::decode_fetch_request(request + "x"));
  // A time beyond the clock's range (found by the fuzzer: it overflowed the conversion).
  std::string far = request;
  far.replace(far.find("1795000000123"), 13, "17950000000123");
  auto far_out = adapters::decode_fetch_request(far);
  REQUIRE_FALSE(far_out);
  CHECK(far_out.error().detail.find("\"now_ms\"") == 0);

  const std::string reply = adapters::encode_fetch_reply(std::string("body"));
  for (std::size_t n = 0; n < reply.size(); ++n)
    CHECK_FALSE(adapters::decode_fetch_reply(std::string_view(reply).substr(0, n)));
  CHECK_FALSE(adapters::decode_fetch_reply(reply + "x"));

  const auto reason = [](const std::string& text) {
    auto r = adapters::decode_fetch_request(text);
    return r ? std::string("accepted") : r.error().detail;
  };
  CHECK(reason("{\"op\":\"put\"}\n") == "\"op\": expected get or mail");
  CHECK(reason("[1]\n") == "the header is not a JSON object");
  CHECK(reason("{\"op\":\"get\",\"url\":\"u\",\"timeout_s\":-1,\"max_bytes\":1,"
               "\"user_agent\":\"a\"}\n") == "\"timeout_s\": expected a whole number up to 86400");
  CHECK(reason("{\"op\":\"get\",\"url\":\"u\",\"timeout_s\":1,\"max_bytes\":99999999999,"
               "\"user_agent\":\"a\"}\n")
            .find("\"max_bytes\"") == 0);
  CHECK(reason("{\"op\":\"get\",\"url\":\"u\",\"timeout_s\":1,\"max_bytes\":1,"
               "\"user_agent\":\"a\"}\nextra") == "a GET carries no bytes");
  CHECK_FALSE(
      adapters::decode_fetch_reply("{\"ok\":false,\"kind\":\"teapot\",\"code\":0,"
                                   "\"retryable\":false,\"detail\":\"\"}\n"));
  CHECK_FALSE(
      adapters::decode_fetch_reply("{\"ok\":false,\"kind\":\"io\",\"code\":99999999999,"
                                   "\"retryable\":false,\"detail\":\"\"}\n"));
}

TEST_CASE("the daemon's side: a missing, failing or garbled helper is an error value", "[fetch]") {
  testkit::TempDir dir;
  const auto script = [&](const std::string& name, const std::string& body) {
    const std::string path = dir.file(name);
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path.c_str(), 0755);
    return path;
  };
  adapters::HttpOptions quick;
  quick.timeout = 1s;

  auto none = adapters::make_helper_outbound("")->get("https://example.com/", quick);
  REQUIRE_FALSE(none);
  CHECK(none.error().kind == ErrorKind::kInvalid);
  CHECK(none.error().detail.find("sunbridge-fetch") != std::string::npos);
  CHECK(none.error().detail.find("is not installed") != std::string::npos);

  auto garbled = adapters::make_helper_outbound(script("garbled", "cat >/dev/null; echo hello"))
                     ->get("https://example.com/", quick);
  REQUIRE_FALSE(garbled);
  CHECK(garbled.error().kind == ErrorKind::kMalformed);

  auto failed = adapters::make_helper_outbound(
                    script("failed", "cat >/dev/null; echo 'no memory' >&2; exit 3"))
                    ->get("https://example.com/", quick);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().detail.find("(exit status 3): no memory") != std::string::npos);

  // A helper that hangs is stopped after the request's own timeout plus the spare time.
  auto hung = adapters::make_helper_outbound(script("hung", "exec sleep 30"), 1s)
                  ->get("https://example.com/", quick);
  REQUIRE_FALSE(hung);
  CHECK(hung.error().kind == ErrorKind::kTimeout);

  // A well-behaved stand-in: the request reaches its standard input whole, its reply is taken.
  const std::string seen = dir.file("request.bin");
  const std::string body = "{\"daily\":{}}";
  const std::string reply = adapters::encode_fetch_reply(body);
  std::ofstream(dir.file("reply.bin"), std::ios::binary) << reply;
  auto good = adapters::make_helper_outbound(
                  script("good", "cat > " + seen + "; cat " + dir.file("reply.bin")))
                  ->get("https://api.example.com/f?x=1", quick);
  REQUIRE(good);
  CHECK(*good == body);
  std::ifstream in(seen, std::ios::binary);
  const std::string request((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto decoded = adapters::decode_fetch_request(request);
  REQUIRE(decoded);
  CHECK(std::get<adapters::FetchGet>(*decoded).url == "https://api.example.com/f?x=1");

  // A mail's success is an empty body; its failure keeps its kind.
  std::ofstream(dir.file("refused.bin"), std::ios::binary)
      << adapters::encode_fetch_reply(Error::invalid("e-mail via smtps://x: login denied"));
  auto refused = adapters::make_helper_outbound(
                     script("refused", "cat >/dev/null; cat " + dir.file("refused.bin")))
                     ->mail(sample_mail().server, sample_mail().message, WallTime{});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::kInvalid);
  CHECK(refused.error().detail == "e-mail via smtps://x: login denied");
}

TEST_CASE(
    "the helper gets the proxy and certificate settings, and nothing else of the daemon's "
    "environment",
    "[fetch]") {
  const char* daemon_env[] = {"PATH=/usr/bin:/bin",
                              "https_proxy=http://proxy.lan:3128",
                              "no_proxy=127.0.0.1",
                              "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
                              "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                              "FAKETIME=+1d",
                              "CREDENTIALS_DIRECTORY=/run/credentials/sunbridged.service",
                              "PATHOLOGICAL=not PATH",
                              "no equals sign",
                              "ASAN_OPTIONS=detect_leaks=1",
                              nullptr};
  CHECK(adapters::helper_environment(daemon_env) ==
        std::vector<std::string>{
            "PATH=/usr/bin:/bin", "https_proxy=http://proxy.lan:3128", "no_proxy=127.0.0.1",
            "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt", "ASAN_OPTIONS=detect_leaks=1"});
  CHECK(adapters::helper_environment(nullptr).empty());

  // What a helper run by the daemon's side really sees: this process's environment, filtered.
  testkit::TempDir dir;
  const std::string seen = dir.file("env.txt");
  const std::string path = dir.file("helper");
  std::ofstream(path) << "#!/bin/sh\nenv > " << seen << "\nexit 1\n";
  ::chmod(path.c_str(), 0755);
  REQUIRE(::setenv("https_proxy", "http://proxy.lan:3128", 1) == 0);
  REQUIRE(::setenv("SUNBRIDGE_TEST_NOT_FOR_THE_HELPER", "1", 1) == 0);
  REQUIRE(::setenv("LD_PRELOAD", "", 1) == 0);  // empty: harmless if it did reach the helper
  adapters::HttpOptions quick;
  quick.timeout = 1s;
  auto run = adapters::make_helper_outbound(path)->get("https://example.com/", quick);
  ::unsetenv("https_proxy");
  ::unsetenv("SUNBRIDGE_TEST_NOT_FOR_THE_HELPER");
  ::unsetenv("LD_PRELOAD");
  REQUIRE_FALSE(run);
  const std::string env = testkit::read_file(seen);
  INFO(env);
  CHECK(env.find("https_proxy=http://proxy.lan:3128\n") != std::string::npos);
  CHECK(env.find("SUNBRIDGE_TEST_NOT_FOR_THE_HELPER") == std::string::npos);
  CHECK(env.find("LD_PRELOAD") == std::string::npos);
}

TEST_CASE("a stop ends a helper still running after the grace, and refuses the next request",
          "[fetch]") {
  testkit::TempDir dir;
  const std::string path = dir.file("slow");
  std::ofstream(path) << "#!/bin/sh\nexec sleep 30\n";
  ::chmod(path.c_str(), 0755);
  adapters::HttpOptions patient;
  patient.timeout = 60s;
  auto outbound = adapters::make_helper_outbound(path, 1s, 200ms);
  std::thread stopper([&] {
    std::this_thread::sleep_for(300ms);
    outbound->stop();
  });
  auto run = outbound->get("https://example.com/", patient);
  stopper.join();
  REQUIRE_FALSE(run);
  CHECK(run.error().kind == ErrorKind::kTimeout);
  CHECK(run.error().detail == path + " was stopped: the daemon is stopping");
  auto later = outbound->get("https://example.com/", patient);
  REQUIRE_FALSE(later);
  CHECK(later.error().detail == "not started: the daemon is stopping");
}
