// SPDX-License-Identifier: Apache-2.0
#include "bench/dashboard.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "bench/proc_stats.hpp"
#include "testkit/process.hpp"

namespace sb::bench {

namespace {

using namespace std::chrono_literals;

struct Run {
  double cpu_pct = 0;  // of one core, over the measured seconds
  double peak_rss_mb = 0, rss_mb = 0;
  long events = 0;  // live values the views received
  bool ok = false;
};

Run run_daemon(const DashboardOptions& opt, bool http, std::size_t* page_bytes) {
  Run out;
  testkit::TempDir dir("sunbridge-bench-dashboard");
  const std::string link = dir.file("inverter.tty");
  testkit::Process sim({opt.sim_path, "--link", link, "--log-level", "error"}, dir.file("sim.log"));
  if (!testkit::wait_until([&] { return std::filesystem::exists(link); }, 10s)) return out;
  const int port = testkit::free_loopback_port();
  nlohmann::json config = {{"inverter", {{"device", link}, {"poll_interval", 1}}},
                           {"storage", {{"path", dir.file("h.db")}}},
                           {"ipc", {{"socket", dir.file("d.sock")}}},
                           {"site", {{"time_source", "trust"}}}};
  if (http) config["http"] = {{"listen", "127.0.0.1:" + std::to_string(port)}};
  testkit::write_file(dir.file("d.json"), config.dump());
  testkit::Process daemon({opt.daemon_path, "--config", dir.file("d.json")}, dir.file("d.log"));
  if (!testkit::wait_until([&] { return std::filesystem::exists(dir.file("d.sock")); }, 20s)) {
    return out;
  }
  // The control socket comes first; the dashboard listens once its module is loaded.
  if (http && !testkit::wait_until([&] { return testkit::loopback_port_open(port); }, 20s)) {
    return out;
  }
  std::atomic<bool> stop{false};
  std::atomic<long> events{0};
  std::vector<std::thread> views;
  if (http) {
    httplib::Client c("127.0.0.1", port);
    if (page_bytes != nullptr) {
      // What a browser downloads for the page: compressed, as the server sends it.
      *page_bytes = 0;
      for (const char* path : {"/", "/app.css", "/app.js", "/chart.min.js", "/favicon.svg"}) {
        c.set_decompress(false);
        auto r = c.Get(path, {{"Accept-Encoding", "gzip"}});
        if (r && r->status == 200) *page_bytes += r->body.size();
      }
    }
    for (int i = 0; i < opt.clients; ++i) {
      views.emplace_back([&, port] {
        httplib::Client view("127.0.0.1", port);
        view.set_read_timeout(30s);
        std::string tail;  // an "event:" split across two reads is counted once
        view.Get("/api/v1/stream", [&](const char* data, std::size_t n) {
          std::string text = tail + std::string(data, n);
          for (std::size_t k = text.find("event:"); k != std::string::npos;
               k = text.find("event:", k + 1))
            events.fetch_add(1);
          tail = text.size() > 5 ? text.substr(text.size() - 5) : text;
          return !stop.load();
        });
      });
    }
  }
  std::this_thread::sleep_for(3s);  // settled: history open, views attached
  const pid_t pid = daemon.pid();
  const double cpu0 = proc_cpu_s(pid);
  const auto t0 = std::chrono::steady_clock::now();
  const long events0 = events.load();
  std::this_thread::sleep_for(std::chrono::seconds(opt.seconds));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.cpu_pct = 100 * (proc_cpu_s(pid) - cpu0) / seconds;
  out.events = events.load() - events0;
  out.peak_rss_mb = proc_status_kb(pid, "VmHWM:") / 1024;
  out.rss_mb = proc_status_kb(pid, "VmRSS:") / 1024;
  stop.store(true);
  daemon.stop(SIGTERM, 10s);
  for (auto& v : views)
    v.join();
  out.ok = true;
  return out;
}

}  // namespace

int run_dashboard(const DashboardOptions& opt) {
  std::size_t page_bytes = 0;
  const Run off = run_daemon(opt, false, nullptr);
  const Run on = run_daemon(opt, true, &page_bytes);
  if (!off.ok || !on.ok) {
    std::fprintf(stderr, "sunbridge-bench: the simulator or the daemon did not start\n");
    return 1;
  }
  const double extra_rss = on.peak_rss_mb - off.peak_rss_mb;
  const double extra_cpu = on.cpu_pct - off.cpu_pct;
  if (opt.json) {
    const nlohmann::json j = {{"seconds", opt.seconds},
                              {"clients", opt.clients},
                              {"page_kb_compressed", page_bytes / 1024.0},
                              {"off", {{"cpu_pct", off.cpu_pct}, {"peak_rss_mb", off.peak_rss_mb}}},
                              {"on",
                               {{"cpu_pct", on.cpu_pct},
                                {"peak_rss_mb", on.peak_rss_mb},
                                {"live_values_received", on.events}}},
                              {"extra_rss_mb", extra_rss},
                              {"extra_cpu_pct_of_one_core", extra_cpu}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf(
      "sunbridge-bench dashboard: sunbridged polling every 1 s for %d s, dashboard off, then on "
      "with %d live views\n",
      opt.seconds, opt.clients);
  std::printf("  page weight      %.1f kB compressed, all files  (target <= 150 kB)\n",
              page_bytes / 1024.0);
  std::printf(
      "  CPU              off %.2f %%, on %.2f %% of one core: %+.2f %%  (target <= 2 %%)\n",
      off.cpu_pct, on.cpu_pct, extra_cpu);
  std::printf("  peak RSS         off %.1f MB, on %.1f MB: %+.1f MB  (target <= 3 MB)\n",
              off.peak_rss_mb, on.peak_rss_mb, extra_rss);
  std::printf(
      "  live values      %ld received by the %d views (%.2f a view a second: one a poll cycle, "
      "which at 9600 baud takes longer than the 1 s interval)\n",
      on.events, opt.clients, on.events / static_cast<double>(opt.clients * opt.seconds));
  std::printf("  time to the first live value in a browser: printed by the browser test\n");
  return 0;
}

}  // namespace sb::bench
