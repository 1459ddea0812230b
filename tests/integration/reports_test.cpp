// SPDX-License-Identifier: Apache-2.0
// Charts, e-mailed reports and notifications from the running daemon: `sunbridge plot` through
// sunbridge-plot (PLplot), e-mail through libcurl to a local SMTP sink (python3-aiosmtpd on
// 127.0.0.1), events to a command hook. They work on whatever day the daemon's clock says, so
// they do not join the other-season run (scripts/test): under libfaketime glibc aborts inside
// the cairo and pango libraries PLplot draws PNGs with ("The futex facility returned an
// unexpected error code"), which says nothing about the product.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <signal.h>

#include <cstdint>
#include <fstream>
#include <regex>

#include "harness.hpp"

using namespace sb;
using namespace sb::it;

namespace {

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

// A PNG's signature and its IHDR size.
void check_png(const std::string& data, std::uint32_t width, std::uint32_t height) {
  REQUIRE(data.size() > 24);
  CHECK(data.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(data.substr(12, 4) == "IHDR");
  CHECK(be32(data, 16) == width);
  CHECK(be32(data, 20) == height);
  CHECK(data.size() > 10000);  // a chart, not an empty frame
}

// PLplot's SVG driver writes each character as an entity ("&#x50;&#x56;" is "PV").
std::string svg_text(const std::string& svg) {
  std::string out;
  static const std::regex entity("&#x([0-9A-Fa-f]+);");
  auto begin = std::sregex_iterator(svg.begin(), svg.end(), entity);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    if (static_cast<std::size_t>(it->position()) != last) out += ' ';
    out += static_cast<char>(std::stoi((*it)[1].str(), nullptr, 16));
    last = static_cast<std::size_t>(it->position() + it->length());
  }
  return out;
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') out.push_back(dir + "/" + e->d_name);
    ::closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string base64_decode(const std::string& text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    const auto i = kAlphabet.find(c);
    if (i == std::string::npos) continue;
    bits = (bits << 6) | static_cast<std::uint32_t>(i);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

// The base64 body of the MIME part with `content_type`, decoded.
std::string attachment(const std::string& message, const std::string& content_type) {
  const auto type = message.find("Content-Type: " + content_type);
  if (type == std::string::npos) return {};
  const auto body = message.find("\r\n\r\n", type);
  const auto alt_body = message.find("\n\n", type);
  const auto start = std::min(body == std::string::npos ? message.size() : body + 4,
                              alt_body == std::string::npos ? message.size() : alt_body + 2);
  const auto end = message.find("--", start);
  return base64_decode(message.substr(start, end - start));
}

// python3-aiosmtpd's Maildir sink on 127.0.0.1; Debian's python3 (the one with the module).
class SmtpSink {
 public:
  explicit SmtpSink(const testkit::TempDir& dir)
      : port_(testkit::free_loopback_port()), maildir_(dir.file("mail")) {
    process_ = std::make_unique<testkit::Process>(
        std::vector<std::string>{"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                                 "127.0.0.1:" + std::to_string(port_), "-c",
                                 "aiosmtpd.handlers.Mailbox", maildir_},
        dir.file("smtp.log"));
    REQUIRE(testkit::wait_until([&] { return testkit::loopback_port_open(port_); }, 20s));
  }
  ~SmtpSink() { process_->stop(SIGTERM, 5s); }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;
  [[nodiscard]] std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (const auto& f : files_in(maildir_ + "/new"))
      out.push_back(file_text(f));
    return out;
  }

 private:
  int port_;
  std::string maildir_;
  std::unique_ptr<testkit::Process> process_;
};

}  // namespace

TEST_CASE("sunbridge plot draws the day, week and month to PNG and SVG from the daemon's data",
          "[integration][reports]") {
  testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& s) { return fresh(s, "battery.soc") && fresh(s, "pv.power"); });
  const double soc = number(d.status(), "battery.soc");
  // Samples every second: wait for a few in the history.
  REQUIRE(testkit::wait_until(
      [&] {
        auto r = cli({"--socket", d.socket(), "plot", "day", "--json"});
        if (r.status != 0) return false;
        const json chart = json::parse(r.out);
        return chart["panels"][1]["lines"][0]["y"].size() >= 4;
      },
      20s));

  auto r = cli({"--socket", d.socket(), "plot", "day", "--json"});
  REQUIRE(r.status == 0);
  const json chart = json::parse(r.out);
  CHECK(chart["kind"] == "lines");
  REQUIRE(chart["panels"].size() == 2);
  std::vector<std::string> names;
  for (const auto& line : chart["panels"][0]["lines"])
    names.push_back(line["name"].get<std::string>());
  CHECK(names == std::vector<std::string>{"PV", "load", "grid", "battery"});
  const json& soc_line = chart["panels"][1]["lines"][0];
  CHECK(soc_line["name"] == "SOC");
  // The simulator's SOC moves slowly: the recorded values are the one just read, within 1 %.
  const double last_soc = soc_line["y"].back().get<double>();
  CHECK(std::abs(last_soc - soc) <= 1.0);
  // The shaded bands cover the whole day, [0, 24) hours.
  REQUIRE(!chart["shades"].empty());
  CHECK(chart["shades"].front()["x0"].get<double>() == 0.0);
  CHECK(chart["shades"].back()["x1"].get<double>() == 24.0);

  const std::string png = dir.file("day.png");
  r = cli({"--socket", d.socket(), "plot", "day", "-o", png});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("wrote " + png) != std::string::npos);
  check_png(file_text(png), 1000, 600);

  const std::string svg_path = dir.file("day.svg");
  r = cli({"--socket", d.socket(), "plot", "day", "-o", svg_path});
  REQUIRE(r.status == 0);
  const std::string svg = file_text(svg_path);
  CHECK(svg.find("<svg") != std::string::npos);
  const std::string words = svg_text(svg);
  for (const char* name : {"PV", "load", "grid", "battery", "SOC", "kW"}) {
    INFO(name);
    CHECK(words.find(name) != std::string::npos);
  }

  r = cli({"--socket", d.socket(), "plot", "week", "-o", dir.file("week.png")});
  REQUIRE(r.status == 0);
  check_png(file_text(dir.file("week.png")), 1000, 600);
  r = cli({"--socket", d.socket(), "plot", "month", "--format", "svg", "-o", dir.file("m.svg")});
  REQUIRE(r.status == 0);
  CHECK(svg_text(file_text(dir.file("m.svg"))).find("yen") != std::string::npos);

  r = cli({"--socket", d.socket(), "plot", "day", "2026-13-01"});
  CHECK(r.status == 1);
  CHECK(r.err.find("YYYY-MM-DD") != std::string::npos);
}

TEST_CASE(
    "a report e-mailed to a local SMTP sink arrives with its chart and events reach the hook "
    "and the mailbox",
    "[integration][reports]") {
  testkit::TempDir dir;
  SmtpSink smtp(dir);
  Sim sim(dir);
  json config = fast_config(dir, sim.link());
  const std::string hook_out = dir.file("notified.jsonl");
  config["email"] = {{"url", smtp.url()},
                     {"from", "sunbridge <gateway@example.com>"},
                     {"to", {"owner@example.com"}}};
  config["notify"] = {{"command", {"/bin/sh", "-c", "cat >> " + hook_out}}, {"group_s", 1}};
  config["mqtt"] = {{"device_id", "takamatsu"}};
  Daemon d(dir, config, "d");
  d.wait_for([](const json& s) { return fresh(s, "battery.soc"); });
  REQUIRE(testkit::wait_until(
      [&] {
        auto r = cli({"--socket", d.socket(), "plot", "day", "--json"});
        return r.status == 0 && json::parse(r.out)["panels"][1]["lines"][0]["y"].size() >= 3;
      },
      20s));

  auto r = cli({"--socket", d.socket(), "report", "day", "--mail"}, 160s);
  INFO(r.out << r.err << d.log());
  REQUIRE(r.status == 0);
  CHECK(r.out.find("owner@example.com") != std::string::npos);
  REQUIRE(testkit::wait_until([&] { return !smtp.messages().empty(); }, 10s));
  const std::string message = smtp.messages().front();
  CHECK(message.find("Subject: sunbridge takamatsu: day ") != std::string::npos);
  CHECK(message.find("To: owner@example.com") != std::string::npos);
  CHECK(message.find("kWh bought") != std::string::npos);
  CHECK(message.find("filename=\"sunbridge-day-") != std::string::npos);
  check_png(attachment(message, "image/png"), 1000, 600);

  // A dip on L1 is a warning: one notification to the hook (JSON) and one e-mail.
  sim.set("grid.l1.voltage", 85.0);
  REQUIRE(testkit::wait_until(
      [&] { return file_text(hook_out).find("pq.dip") != std::string::npos; }, 20s));
  const json note = json::parse(file_text(hook_out).substr(0, file_text(hook_out).find('\n')));
  CHECK(note["site"] == "takamatsu");
  CHECK(note["severity"] == "warning");
  bool dip = false;
  for (const auto& e : note["events"])
    dip |= e["kind"] == "pq.dip" && e["count"] == 1;
  CHECK(dip);
  REQUIRE(testkit::wait_until([&] { return smtp.messages().size() >= 2; }, 10s));
  bool mailed = false;
  for (const auto& m : smtp.messages())
    mailed |= m.find("Subject: sunbridge takamatsu: warning") != std::string::npos &&
              m.find("pq.dip") != std::string::npos;
  CHECK(mailed);
}

TEST_CASE("an event the hook could not take before a stop is notified after the restart",
          "[integration][reports]") {
  testkit::TempDir dir;
  Sim sim(dir);
  json config = fast_config(dir, sim.link());
  const std::string tried = dir.file("tried.jsonl"), notified = dir.file("notified.jsonl");
  config["notify"] = {{"command", {"/bin/sh", "-c", "cat >> " + tried + "; exit 1"}},
                      {"group_s", 1}};
  {
    Daemon d(dir, config, "d");
    d.wait_for([](const json& s) { return fresh(s, "battery.soc"); });
    sim.set("grid.l1.voltage", 85.0);  // a dip: a warning
    REQUIRE(testkit::wait_until(
        [&] { return file_text(tried).find("pq.dip") != std::string::npos; }, 20s));
  }
  sim.set("grid.l1.voltage", 101.3);  // no new dip after the restart
  config["notify"]["command"] = {"/bin/sh", "-c", "cat >> " + notified};
  Daemon d(dir, config, "d");
  INFO(d.log());
  REQUIRE(testkit::wait_until(
      [&] { return file_text(notified).find("pq.dip") != std::string::npos; }, 20s));
  const std::string text = file_text(notified);
  const json note = json::parse(text.substr(0, text.find('\n')));
  bool dip = false;
  for (const auto& e : note["events"])
    dip |= e["kind"] == "pq.dip" && e["count"] == 1;
  CHECK(dip);
  CHECK(d.log().find("not notified before the last stop will be sent") != std::string::npos);
}

TEST_CASE("report --mail without an e-mail server says what to configure",
          "[integration][reports]") {
  testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& s) { return fresh(s, "battery.soc"); });
  auto r = cli({"--socket", d.socket(), "report", "day", "--mail"});
  CHECK(r.status == 1);
  CHECK(r.err.find("email.url") != std::string::npos);
}
