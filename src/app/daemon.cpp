// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/daemon.hpp"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "sunbridge/adapters/device_json.hpp"
#include "sunbridge/adapters/point_json.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/device/inverter_survey.hpp"

#ifndef SUNBRIDGE_VERSION
#define SUNBRIDGE_VERSION "unknown"
#endif

namespace sb::app {

using nlohmann::json;
using protocol::Group;

namespace {

constexpr const char* kComponent = "sunbridged";

int index_of(Group g) {
  return static_cast<int>(g);
}

std::optional<transport::PortLock> acquire_lock(const adapters::InverterConfig& c) {
  if (!c.endpoint.serial) return std::nullopt;  // a TCP gateway arbitrates its own bus
  auto lock = transport::PortLock::acquire(c.lock_dir, c.device);
  if (!lock) throw std::runtime_error(lock.error().describe());
  return std::move(*lock);
}

const std::vector<std::string> kDefaultHistoryPoints = {
    "battery.soc", "battery.voltage", "battery.current", "battery.power",
    "pv.power",    "load.power",      "grid.power"};

}  // namespace

protocol::RegisterMap load_register_map(const std::string& path) {
  if (path.empty()) return protocol::RegisterMap::embedded();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read register map " + path);
  std::ostringstream text;
  text << in.rdbuf();
  schema::Issues issues;
  auto map = protocol::RegisterMap::from_json(text.str(), issues);
  if (!map) {
    throw std::runtime_error("register map " + path + " is invalid:\n" +
                             schema::format_issues(issues, path));
  }
  return std::move(*map);
}

Daemon::Daemon(adapters::Config config, const Clock& clock, Logger& log)
    : config_(std::move(config)),
      clock_(clock),
      log_(log),
      map_(load_register_map(config_.inverter.register_map_path)),
      faults_(protocol::FaultTable::embedded()),
      port_lock_(acquire_lock(config_.inverter)),
      history_(config_.storage.path),
      points_(map_.derived()),
      client_(config_.inverter.endpoint, config_.inverter.slave, config_.inverter.timing),
      link_(client_, map_, faults_, config_.inverter.link, clock_, log_),
      bus_("sb-bus") {
  loop_.handle_signals({SIGTERM, SIGINT, SIGHUP}, [this](int sig) {
    if (sig == SIGHUP) {
      log_.info(kComponent, "SIGHUP ignored: restart the service to reload the configuration");
      return;
    }
    log_.info(kComponent, sig == SIGTERM ? "SIGTERM: shutting down" : "SIGINT: shutting down");
    loop_.stop();
  });
  ipc_ = std::make_unique<adapters::IpcServer>(
      loop_, config_.ipc.socket,
      [this](const json& request, adapters::IpcServer::Reply reply) {
        handle(request, std::move(reply));
      },
      log_);
  started_at_ = clock_.wall_now();
  points_.set(Point{"link.inverter.state", std::string("offline"), "", Quality::kOk, started_at_,
                    "not yet polled"});
}

Daemon::~Daemon() {
  link_.request_stop();
  bus_.stop();
}

std::chrono::milliseconds Daemon::max_age(Group group) const {
  // Three missed polls (plus room for a slow cycle) and a value is no longer current.
  constexpr std::chrono::milliseconds kCycleAllowance{5000};
  switch (group) {
    case Group::kIdentity:
      return std::chrono::milliseconds(0);
    case Group::kLive:
      return 3 * config_.inverter.poll_interval + kCycleAllowance;
    case Group::kSettings:
      return 2 * config_.inverter.settings_interval + kCycleAllowance;
  }
  return std::chrono::milliseconds(0);
}

int Daemon::run() {
  const auto now = EventLoop::Clock::now();
  // Live values first: the settings poll follows on the same bus.
  schedule_poll(Group::kLive, now);
  schedule_poll(Group::kSettings, now + std::chrono::milliseconds(1));
  schedule_commit();
  schedule_prune();
  schedule_watchdog();
  log_.info(kComponent, std::string("sunbridged ") + SUNBRIDGE_VERSION + " polling " +
                            client_.describe() + "; control socket " + config_.ipc.socket);
  notifier_.ready("polling " + client_.describe());

  loop_.run();

  notifier_.stopping();
  link_.request_stop();
  bus_.stop();
  if (Status s = history_.flush(); !s) {
    log_.error(kComponent, "final history flush failed: " + s.error().describe());
    exit_code_ = 1;
  }
  log_.info(kComponent, "stopped");
  return exit_code_;
}

void Daemon::schedule_poll(Group group, EventLoop::Clock::time_point when) {
  loop_.schedule_at(when, [this, group, when] {
    start_poll(group);
    const auto interval =
        group == Group::kLive ? config_.inverter.poll_interval : config_.inverter.settings_interval;
    auto next = when + interval;
    const auto now = EventLoop::Clock::now();
    if (next < now) next = now + interval;  // fell behind: skip ticks rather than burst
    schedule_poll(group, next);
  });
}

void Daemon::start_poll(Group group) {
  const int i = index_of(group);
  if (poll_in_flight_[i]) return;  // the previous cycle is still on the bus
  poll_in_flight_[i] = true;
  poll_started_[i] = clock_.mono_now();
  bus_.submit([this, group] {
    device::PollReport report = link_.poll(group);
    loop_.post([this, group, r = std::move(report)]() mutable {
      poll_in_flight_[index_of(group)] = false;
      on_report(std::move(r));
    });
  });
}

void Daemon::on_report(device::PollReport report) {
  const WallTime now = clock_.wall_now();
  bool has_settings = false;
  for (auto& g : report.groups) {
    g.update.max_age = max_age(g.group);
    points_.apply(g.update);
    has_settings = has_settings || g.group == Group::kSettings;
  }
  link_state_ = report.state;
  link_stats_ = report.stats;
  points_.set(Point{"link.inverter.state", std::string(device::to_string(report.state)), "",
                    Quality::kOk, now, report.outcome.last_error});
  if (!report.attempted) return;

  // History: every settings poll, and live values at most every sample interval.
  const bool live_due = now - last_recorded_ >= config_.storage.sample_interval;
  if (!has_settings && !live_due) return;
  std::vector<Point> fresh;
  for (auto& p : points_.snapshot(now)) {
    if (p.quality == Quality::kOk && p.ts >= report.started) fresh.push_back(std::move(p));
  }
  if (fresh.empty()) return;
  history_.record(fresh, report.started);
  if (live_due) last_recorded_ = now;
}

void Daemon::schedule_commit() {
  loop_.schedule_after(config_.storage.commit_interval, [this] {
    if (Status s = history_.flush(); !s) {
      log_.error(kComponent,
                 "history commit failed (kept for the next attempt): " + s.error().describe());
    }
    schedule_commit();
  });
}

void Daemon::schedule_prune() {
  loop_.schedule_after(std::chrono::seconds(5), [this] {
    const auto cutoff = clock_.wall_now() - std::chrono::hours(24) * config_.storage.retention_days;
    if (auto n = history_.prune(cutoff); !n) {
      log_.warn(kComponent, "history prune failed: " + n.error().describe());
    } else if (*n > 0) {
      log_.info(kComponent, "pruned " + std::to_string(*n) + " samples older than " +
                                std::to_string(config_.storage.retention_days) + " days");
    }
    loop_.schedule_after(std::chrono::hours(1), [this] { schedule_prune(); });
  });
}

void Daemon::schedule_watchdog() {
  auto interval = notifier_.watchdog_interval();
  if (!interval) return;
  loop_.schedule_after(*interval, [this] {
    // The loop is alive if we got here; the bus is alive unless a cycle has been stuck for much
    // longer than any response timeout allows. Withholding the ping lets systemd restart us.
    const auto limit = std::max<std::chrono::milliseconds>(std::chrono::minutes(5),
                                                           10 * config_.inverter.poll_interval);
    bool bus_stuck = false;
    for (int i = 0; i < 3; ++i) {
      bus_stuck = bus_stuck || (poll_in_flight_[i] && clock_.mono_now() - poll_started_[i] > limit);
    }
    if (bus_stuck) {
      log_.error(kComponent, "bus thread stuck; withholding the watchdog ping");
    } else {
      notifier_.watchdog();
    }
    schedule_watchdog();
  });
}

void Daemon::handle(const json& request, adapters::IpcServer::Reply reply) {
  try {
    const std::string cmd = request.value("cmd", "");
    if (cmd == "ping") {
      reply({{"ok", true}, {"version", SUNBRIDGE_VERSION}});
    } else if (cmd == "status") {
      reply(status_json());
    } else if (cmd == "params") {
      reply(params_json(request));
    } else if (cmd == "history") {
      reply(history_json(request));
    } else if (cmd == "doctor") {
      // A fresh read on the bus thread, queued behind any running poll (one owner per bus).
      bus_.submit([this, reply] {
        json survey = adapters::survey_to_json(device::survey(link_, map_));
        loop_.post([this, reply, s = std::move(survey)] {
          reply({{"ok", true},
                 {"daemon_pid", ::getpid()},
                 {"lock", port_lock_ ? port_lock_->path() : std::string()},
                 {"link", device::to_string(link_state_)},
                 {"survey", s}});
        });
      });
    } else {
      reply({{"ok", false}, {"error", "unknown command '" + cmd + "'"}});
    }
  } catch (const json::exception& e) {
    // A request with fields of the wrong type: answer, never crash.
    reply({{"ok", false}, {"error", std::string("bad request: ") + e.what()}});
  }
}

json Daemon::status_json() const {
  const WallTime now = clock_.wall_now();
  json j;
  j["ok"] = true;
  j["daemon"] = {{"version", SUNBRIDGE_VERSION},
                 {"pid", ::getpid()},
                 {"started", format_iso8601_utc(started_at_)},
                 {"now", format_iso8601_utc(now)},
                 {"timezone", config_.site.timezone},
                 {"port", client_.describe()},
                 {"link",
                  {{"state", device::to_string(link_state_)},
                   {"stats", adapters::link_stats_to_json(link_stats_)}}}};
  j["points"] = adapters::points_to_json(points_.snapshot(now));
  return j;
}

json Daemon::params_json(const json& request) const {
  std::vector<const protocol::RegisterRow*> rows;
  std::vector<std::string> unknown;
  if (request.contains("ids") && !request["ids"].empty()) {
    for (const auto& id : request["ids"]) {
      std::string text = id.is_string() ? id.get<std::string>() : id.dump();
      const auto* row = map_.find_lcd(text);
      if (row == nullptr) {
        unknown.push_back(text);
      } else {
        rows.push_back(row);
      }
    }
  } else {
    rows = map_.settings_by_lcd();
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& u : unknown)
      list += (list.empty() ? "" : ", ") + u;
    return {{"ok", false}, {"error", "unknown LCD parameter(s): " + list}};
  }
  const WallTime now = clock_.wall_now();
  json params = json::array();
  for (const auto* row : rows) {
    char reg[16];
    std::snprintf(reg, sizeof reg, "0x%04X", row->address);
    auto p = points_.get(row->name, now);
    Point point = p ? *p : Point{row->name, {}, row->unit, Quality::kInvalid, {}, "not yet read"};
    params.push_back({{"id", row->lcd},
                      {"name", row->name},
                      {"label", row->label},
                      {"register", reg},
                      {"confidence", std::string(1, row->confidence)},
                      {"point", adapters::point_to_json(point)}});
  }
  return {{"ok", true}, {"params", params}};
}

json Daemon::history_json(const json& request) {
  const double since_s = request.value("since_s", 3600.0);
  if (!(since_s > 0 && since_s <= 366.0 * 86400)) {
    return {{"ok", false}, {"error", "since_s must be in (0, 366 days]"}};
  }
  std::vector<std::string> names = kDefaultHistoryPoints;
  if (request.contains("points") && !request["points"].empty()) {
    names = request["points"].get<std::vector<std::string>>();
  }
  if (Status s = history_.flush(); !s) {
    return {{"ok", false}, {"error", "history not available: " + s.error().describe()}};
  }
  const WallTime now = clock_.wall_now();
  const auto since = now - std::chrono::milliseconds(static_cast<long long>(since_s * 1000));
  auto samples = history_.query(since, now + std::chrono::seconds(1), names);
  if (!samples) return {{"ok", false}, {"error", samples.error().describe()}};
  std::map<std::string, std::size_t> column;
  json units = json::array();
  for (std::size_t i = 0; i < names.size(); ++i) {
    column[names[i]] = i;
    auto p = points_.get(names[i], now);
    units.push_back(p ? p->unit : "");
  }
  std::map<WallTime, json> rows;
  for (const auto& s : *samples) {
    auto [it, inserted] = rows.try_emplace(s.ts);
    json& row = it->second;
    if (inserted) {
      row = json::array({format_iso8601_utc(s.ts)});
      for (std::size_t i = 0; i < names.size(); ++i)
        row.push_back(nullptr);
    }
    json value = s.value ? json(*s.value) : s.text ? json(*s.text) : json(nullptr);
    row[column[s.name] + 1] = value;
  }
  json out_rows = json::array();
  for (auto& [_, row] : rows)
    out_rows.push_back(std::move(row));
  return {{"ok", true}, {"names", names}, {"units", units}, {"rows", out_rows}};
}

}  // namespace sb::app
