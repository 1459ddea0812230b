// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/daemon.hpp"
#include "sunbridge/core/version.hpp"
#include "sunbridge/device/modbus_clients.hpp"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "sunbridge/adapters/device_json.hpp"
#include "sunbridge/adapters/point_json.hpp"
#include "sunbridge/adapters/profile_json.hpp"
#include "sunbridge/adapters/register_map_file.hpp"
#include "sunbridge/adapters/settings_store.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/device/inverter_survey.hpp"
#include "sunbridge/domain/bank.hpp"

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

// The name in report and notification subjects: the MQTT device id, else the host name.
std::string site_name(const adapters::Config& config) {
  if (!config.mqtt.device_id.empty()) return config.mqtt.device_id;
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) == 0 && host[0] != 0) return host;
  return "gateway";
}

// The settings-store key of the learned register holes, per firmware.
constexpr const char* kLearnedHolesKey = "inverter.learned_holes";

}  // namespace

Daemon::Daemon(adapters::Config config, const Clock& clock, const TimeSyncSource& time_source,
               Logger& log, adapters::Outbound& outbound)
    : config_(std::move(config)),
      clock_(clock),
      log_(log),
      outbound_(outbound),
      map_(adapters::load_register_map(config_.inverter.register_map_path)),
      faults_(protocol::FaultTable::embedded()),
      port_lock_(acquire_lock(config_.inverter)),
      history_(config_.storage.path),
      history_reader_(config_.storage.path, loop_),
      points_(map_.derived()),
      checks_(ChecksContext{config_, loop_, log_, points_, history_,
                            [this](const Event& e) { record_event(e); },
                            [this](std::optional<double> lease_a) {
                              if (settings_) settings_->set_charge_lease(lease_a);
                            }}),
      control_(ControlContext{config_, map_, clock_, points_, history_, history_reader_,
                              [this] { return facts(); }, &checks_.engine(), &tariff_}),
      time_(time_source, clock_, points_),
      tariff_(config_.tariff),
      // A gap longer than three polls (the link was down) is not integrated across.
      energy_(history_.db(), tariff_, points_, log_,
              std::max<std::chrono::milliseconds>(3 * config_.inverter.poll_interval,
                                                  std::chrono::seconds(30)),
              clock_.wall_now(), [this](const Event& e) { record_event(e); }),
      kpis_(history_, tariff_, [this](const Event& e) { record_event(e); }),
      maintenance_(history_.db(), [this](const Event& e) { record_event(e); }),
      notifications_(config_.email, config_.notify, site_name(config_), loop_, clock_, log_,
                     outbound_, history_.db()),
      reports_(control_, notifications_, config_.email, site_name(config_),
               [this](const std::string& leaf, const std::string& payload) {
                 if (!cloud_ || !cloud_->started()) return false;
                 cloud_->publish_state(leaf, payload);
                 return true;
               }),
      client_(device::make_modbus_client(config_.inverter.endpoint, config_.inverter.slave,
                                         config_.inverter.timing, &log_)),
      link_(*client_, map_, faults_, config_.inverter.link, clock_, log_),
      bms_(make_bms_link(config_, clock_, log_)),
      cross_check_(config_.bms.cross_check),
      bus_("sb-bus") {
  // Described once, here: the bus threads change the clients' state (the BMS poller switches
  // slave ids), so the loop never reads them while they run.
  port_ = client_->describe();
  if (bms_.source) bms_port_ = bms_.source->describe();
  if (bms_.source) bms_bus_ = std::make_unique<WorkerThread>("sb-bms");
  live_samples_.set_interval(config_.storage.sample_interval);
  bank_samples_.set_interval(config_.storage.sample_interval);
  pack_samples_.set_interval(config_.bms.pack_sample_interval);
  // Settings and identity registers are not summarised in the history tiers: the audit keeps
  // every settings change, and identity does not change.
  for (const auto& row : map_.rows()) {
    if (row.group != protocol::Group::kLive) untiered_.insert(row.name);
  }
  // What earlier runs learned the firmware lacks: not probed again with exception 02 each start.
  if (auto known = adapters::SettingsStore(history_.db()).get(kLearnedHolesKey); known && *known) {
    link_.set_known_holes(adapters::learned_holes_from_json(**known));
  }
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
  if (config_.http.enabled) {
    // Its threads hand every request to the loop, which answers as it answers the socket.
    web_ = adapters::web::load_dashboard(
        config_.http,
        adapters::web::WebBackend{[this](json request, std::function<void(json)> reply) {
          loop_.post([this, request = std::move(request), reply = std::move(reply)] {
            handle(request, reply);
          });
        }},
        live_feed_, log_);
  }
  settings_ = std::make_unique<SettingsController>(
      SettingsContext{config_, map_, clock_, log_, loop_, bus_, link_, points_, history_, time_,
                      &tariff_.tariff(), &tariff_.holidays(), &checks_.engine().slot_watch()});
  weather_ = std::make_unique<WeatherService>(
      config_.profiles, clock_, log_, loop_, outbound_,
      [this](domain::Forecast f) { settings_->on_forecast(std::move(f)); },
      [this] { settings_->on_forecast_attempt_done(); });
  if (config_.mqtt.enabled) {
    cloud_ = std::make_unique<CloudLink>(config_.mqtt, history_.db(), loop_, clock_, log_, points_);
    std::vector<std::string> check_names;
    for (const auto& s : checks_.engine().statuses())
      check_names.push_back(s.name);
    cloud_->set_check_names(std::move(check_names));
    if (config_.bms.options.mode != device::BmsMode::kNone) {
      const auto& packs = config_.bms.options.addresses;
      cloud_->set_configured_packs(std::set<int>(packs.begin(), packs.end()));
    }
    remote_ = std::make_unique<RemoteControl>(
        RemoteContext{config_.mqtt, clock_, log_, history_, *cloud_, *settings_, time_,
                      [this](const json& request, adapters::IpcServer::Reply reply) {
                        handle(request, std::move(reply));
                      }});
  }
  // Every stored event, whoever recorded it, goes to the cloud and to the notifications.
  history_.set_event_observer([this](const Event& e) {
    if (cloud_) cloud_->record_event(e);
    notifications_.on_event(e);
  });
  local_poll_interval_ = config_.inverter.poll_interval;
  local_settings_interval_ = config_.inverter.settings_interval;
  settings_->on_desired_adopted(
      [this](const adapters::DesiredConfig& d) { adopt_poll_intervals(d); });
  if (settings_->desired()) adopt_poll_intervals(*settings_->desired());
  started_at_ = clock_.wall_now();
  points_.set(Point{"link.inverter.state", std::string("offline"), "", Quality::kOk, started_at_,
                    "not yet polled"});
}

Daemon::~Daemon() {
  link_.request_stop();
  bus_.stop();
  if (bms_.source) bms_.source->request_stop();
  if (bms_bus_) bms_bus_->stop();
}

int Daemon::run() {
  check_time_sync();
  const auto now = EventLoop::Clock::now();
  // Live values first: the settings poll follows on the same bus.
  schedule_poll(Group::kLive, now);
  schedule_poll(Group::kSettings, now + std::chrono::milliseconds(1));
  if (bms_.source) schedule_bms(now);
  schedule_commit();
  schedule_prune();
  schedule_watchdog();
  if (cloud_) {
    if (!config_.mqtt.device_id.empty()) cloud_->start(config_.mqtt.device_id);
    schedule_telemetry();
  }
  const bool fetching = weather_->start(
      settings_->forecast() ? std::optional<WallTime>(settings_->forecast()->fetched_at)
                            : std::nullopt);
  if (fetching) settings_->await_first_forecast();
  log_.info(kComponent, std::string("sunbridged ") + sb::version_string() + " polling " + port_ +
                            "; control socket " + config_.ipc.socket);
  notifier_.ready("polling " + port_);

  loop_.run();

  // A forecast or e-mail still on its way has a moment to finish, while the rest stops.
  outbound_.stop();
  web_.reset();  // no request reaches the loop from here on
  notifier_.stopping();
  checks_.shutdown(clock_.wall_now());
  if (cloud_) {
    history_.set_event_observer(nullptr);
    remote_.reset();
    cloud_.reset();  // publishes "offline" and disconnects, waiting for what is in flight
  }
  weather_.reset();  // joins the network thread before the loop's state goes
  link_.request_stop();
  if (bms_.source) bms_.source->request_stop();
  bus_.stop();
  if (bms_bus_) bms_bus_->stop();
  energy_.save(clock_.wall_now());
  // Commits, and keeps the history tiers' open buckets for the next start.
  if (Status s = history_.save_open_buckets(); !s) {
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
  bus_.submit([this, group, report = std::move(spare_reports_[i])]() mutable {
    link_.poll(group, report);
    loop_.post([this, group, r = std::move(report)]() mutable {
      poll_in_flight_[index_of(group)] = false;
      on_report(r);
      spare_reports_[index_of(group)] = std::move(r);
    });
  });
}

void Daemon::on_report(device::PollReport& report) {
  check_time_sync();  // before anything below acts on the clock
  const WallTime now = clock_.wall_now();
  if (report.learned) save_learned_holes(report.learned->first, report.learned->second, now);
  bool has_settings = false, has_live = false;
  for (auto& g : report.groups) {
    g.update.max_age = config_.inverter.max_age(g.group);
    points_.apply(g.update);
    has_settings = has_settings || g.group == Group::kSettings;
    has_live = has_live || g.group == Group::kLive;
  }
  if (report.attempted && has_live) energy_.on_poll(report.started, time_.trusted());
  if (cloud_ && !cloud_->started()) {
    // The device id defaults to the inverter serial: known after the identity read.
    if (auto serial = points_.get("inverter.serial", now);
        serial && serial->quality == Quality::kOk) {
      if (const auto* text = std::get_if<std::string>(&serial->value); text && !text->empty()) {
        cloud_->start(*text);
      }
    }
  }
  if (report.transition) {
    const auto& t = *report.transition;
    record_event(Event{now,
                       std::string("link.inverter.") + device::to_string(t.to),
                       t.to == device::LinkState::kOnline ? Severity::kInfo : Severity::kWarning,
                       std::string("inverter link ") + device::to_string(t.from) + " -> " +
                           device::to_string(t.to) + ": " + t.reason,
                       {{"from", device::to_string(t.from)}, {"reason", t.reason}}},
                 /*log=*/false);  // the link logs its transitions itself
  }
  if (auto faults = points_.get("inverter.faults", now);
      faults && faults->quality == Quality::kOk) {
    if (const auto* codes = std::get_if<std::vector<FaultCode>>(&faults->value)) {
      for (const Event& e : fault_watch_.update(*codes, now))
        record_event(e);
    }
  }
  if (report.attempted) checks_.run(now);
  link_state_ = report.state;
  link_stats_ = report.stats;
  points_.set(Point{"link.inverter.state", std::string(device::to_string(report.state)), "",
                    Quality::kOk, now, report.outcome.last_error});
  publish_live();
  if (!report.attempted) return;

  // History: the tiers see every poll's measured values (the bank's and packs' come with the
  // BMS report); raw samples are every settings poll and live values every sample interval
  // (SampleClock).
  const bool live_due = live_samples_.due(now, config_.inverter.poll_interval);
  const bool sample = has_settings || live_due;  // raw samples only on these polls
  std::vector<Point> fresh;
  std::vector<Point> measured;
  for (auto& p : points_.snapshot(now)) {
    if (p.quality != Quality::kOk || p.ts < report.started) continue;
    if (untiered_.count(p.name) == 0 && p.name.rfind("bank.", 0) != 0 &&
        p.name.rfind("pack.", 0) != 0) {
      measured.push_back(p);
    }
    if (sample) fresh.push_back(std::move(p));
  }
  history_.rollup(measured, report.started);
  if (!sample) return;
  if (!fresh.empty()) {
    history_.record(fresh, report.started);
    if (live_due) live_samples_.taken(now);
  }
  run_cross_checks(now);
  if (has_settings) {
    settings_->on_settings_poll();
    if (remote_) remote_->publish_reported();
  }
}

void Daemon::adopt_poll_intervals(const adapters::DesiredConfig& d) {
  // Read by schedule_poll() and max_age() on the loop: the next poll uses them.
  config_.inverter.poll_interval = d.live_poll.value_or(local_poll_interval_);
  config_.inverter.settings_interval = d.settings_poll.value_or(local_settings_interval_);
  if (config_.inverter.poll_interval > config_.inverter.settings_interval) {
    config_.inverter.poll_interval = config_.inverter.settings_interval;
  }
}

void Daemon::refresh(adapters::IpcServer::Reply reply) {
  // Settings read again now (the schedule re-evaluates after it); the forecast fetched again
  // when a provider is configured.
  start_poll(Group::kSettings);  // one extra cycle; the regular ones keep their schedule
  if (!weather_->enabled()) {
    reply({{"ok", true}, {"weather", "no provider configured"}});
    return;
  }
  // The refresh itself is done even when the forecast service fails: that is reported apart.
  refresh_weather([reply](const json& weather) { reply({{"ok", true}, {"weather", weather}}); });
}

void Daemon::refresh_weather(adapters::IpcServer::Reply reply) {
  weather_->refresh([this, reply](const std::string& error) {
    json out = {{"ok", error.empty()}, {"provider", weather_->describe()}};
    if (!error.empty()) out["error"] = error;
    if (settings_->forecast()) out["forecast"] = adapters::forecast_to_json(*settings_->forecast());
    reply(out);
  });
}

void Daemon::schedule_telemetry() {
  loop_.schedule_after(config_.mqtt.telemetry_interval, [this] {
    const WallTime now = clock_.wall_now();
    const auto snapshot = points_.snapshot(now);
    cloud_->record_telemetry(snapshot, now);
    cloud_->record_packs(snapshot, now);
    schedule_telemetry();
  });
}

void Daemon::schedule_bms(EventLoop::Clock::time_point when) {
  loop_.schedule_at(when, [this, when] {
    const bool sniffing = config_.bms.options.mode == device::BmsMode::kSniff;
    bms_bus_->submit([this, sniffing, when] {
      device::BmsReport report = bms_.source->poll();
      loop_.post([this, sniffing, when, r = std::move(report)]() mutable {
        on_bms_report(std::move(r));
        // Sniffing listens without pause (each poll is a listening window); active modes poll
        // at a fixed rate, skipping ticks rather than bursting when a cycle ran long.
        const auto now = EventLoop::Clock::now();
        if (sniffing) {
          schedule_bms(now);
          return;
        }
        auto next = when + config_.bms.poll_interval;
        if (next < now) next = now + config_.bms.poll_interval;
        schedule_bms(next);
      });
    });
  });
}

void Daemon::on_bms_report(device::BmsReport report) {
  const WallTime now = clock_.wall_now();
  const auto& opt = config_.bms.options;
  const auto interval =
      opt.mode == device::BmsMode::kSniff
          ? std::chrono::duration_cast<std::chrono::milliseconds>(opt.sniff_stale_after)
          : config_.bms.poll_interval;
  const auto age = 3 * interval + std::chrono::milliseconds(5000);
  int online = 0;
  for (const auto& pack : report.packs) {
    if (pack.record) {
      PointUpdate u = device::pack_points(*pack.record, report.finished);
      u.max_age = age;
      points_.apply(u);
    } else if (pack.due) {
      points_.apply({{}, device::pack_point_issues(pack.pack, opt.cells, pack.error), {}, age});
    }
    if (pack.state == device::LinkState::kOnline) ++online;
    points_.set(Point{"pack." + std::to_string(pack.pack) + ".link",
                      std::string(device::to_string(pack.state)), "", Quality::kOk, now,
                      pack.error});
  }
  const std::string bms_state = online == static_cast<int>(report.packs.size()) ? "online"
                                : online > 0                                    ? "degraded"
                                                                                : "offline";
  points_.set(
      Point{"link.bms.state", bms_state, "", Quality::kOk, now, report.counters.last_error});
  if (bms_state != bms_link_state_) {
    // The first reading is news only when it is not "online".
    if (!bms_link_state_.empty() || bms_state != "online") {
      record_event(Event{now,
                         "link.bms." + bms_state,
                         bms_state == "online" ? Severity::kInfo : Severity::kWarning,
                         "battery link " + (bms_link_state_.empty() ? "start" : bms_link_state_) +
                             " -> " + bms_state + ": " + std::to_string(online) + " of " +
                             std::to_string(report.packs.size()) + " packs answer",
                         {{"from", bms_link_state_}, {"packs_online", std::to_string(online)}}});
    }
    bms_link_state_ = bms_state;
  }
  for (auto& p : domain::compute_bank(points_, opt.addresses, now))
    points_.set(std::move(p), age);

  // History: bank values with the inverter's sample cadence, pack details at their own.
  std::vector<Point> measured;
  for (auto& p : points_.snapshot(now)) {
    if (p.quality == Quality::kOk && p.ts >= report.started &&
        (p.name.rfind("bank.", 0) == 0 || p.name.rfind("pack.", 0) == 0)) {
      measured.push_back(std::move(p));
    }
  }
  history_.rollup(measured, report.started);
  auto record_prefix = [&](const std::string& prefix, SampleClock& samples) {
    if (!samples.due(now, config_.bms.poll_interval)) return;
    std::vector<Point> fresh;
    for (const auto& p : measured) {
      if (p.name.rfind(prefix, 0) == 0) fresh.push_back(p);
    }
    if (fresh.empty()) return;
    history_.record(fresh, report.started);
    samples.taken(now);
  };
  record_prefix("bank.", bank_samples_);
  record_prefix("pack.", pack_samples_);
  last_bms_ = std::move(report);
  run_cross_checks(now);
  checks_.run(now);
}

void Daemon::record_event(const Event& e, bool log) {
  if (log) {
    log_.log(e.severity == Severity::kInfo ? LogLevel::kInfo : LogLevel::kWarning, "event",
             e.message);
  }
  if (Status s = history_.record_event(e); !s) {
    log_.error(kComponent, "cannot store event " + e.kind + ": " + s.error().describe());
  }
}

void Daemon::save_learned_holes(const std::string& firmware, const device::LearnedHoles& holes,
                                WallTime now) {
  adapters::SettingsStore store(history_.db());
  std::map<std::string, device::LearnedHoles> all;
  if (auto known = store.get(kLearnedHolesKey); known && *known) {
    all = adapters::learned_holes_from_json(**known);
  }
  all[firmware] = holes;
  if (Status s = store.put(kLearnedHolesKey, adapters::learned_holes_to_json(all), now); !s) {
    log_.warn(kComponent, "cannot keep the learned register holes: " + s.error().describe());
  }
}

DaemonFacts Daemon::facts() const {
  return {port_, link_state_, link_stats_, started_at_, bms_counters_json()};
}

json Daemon::time_json() const {
  const auto& s = time_.state();
  return {{"source", s ? s->source : config_.site.time_source},
          {"synced", s && s->synced},
          {"detail", s ? s->detail : std::string("not read yet")}};
}

void Daemon::check_time_sync() {
  auto change = time_.check();
  // The tariff band follows the clock: refreshed here, with every poll.
  tariff_.update(points_, clock_.wall_now(), time_.trusted());
  if (!change) return;
  record_event(*change);
  if (time_.trusted() && remote_) remote_->on_clock_synced();
}

void Daemon::run_cross_checks(WallTime now) {
  if (!bms_.source) return;
  for (const Event& e : cross_check_.evaluate(points_, now))
    record_event(e);
}

void Daemon::schedule_commit() {
  loop_.schedule_after(config_.storage.commit_interval, [this] {
    // The daily jobs ride on the commit timer, off the poll path: each looks at the clock and
    // does its work once a day.
    const WallTime now = clock_.wall_now();
    energy_.save(now);
    maintenance_.run(now, time_.trusted());
    kpis_.run(now, time_.trusted());
    reports_.run(now, time_.trusted());
    if (Status s = history_.flush(); !s) {
      log_.error(kComponent,
                 "history commit failed (kept for the next attempt): " + s.error().describe());
    }
    schedule_commit();
  });
}

void Daemon::schedule_prune() {
  loop_.schedule_after(std::chrono::seconds(5), [this] {
    if (auto n = history_.prune(config_.storage.retention, clock_.wall_now()); !n) {
      log_.warn(kComponent, "history prune failed: " + n.error().describe());
    } else if (n->total() > 0) {
      log_.info(kComponent, "pruned " + std::to_string(n->samples) + " samples, " +
                                std::to_string(n->minute_buckets + n->quarter_buckets) +
                                " summaries and " + std::to_string(n->events) +
                                " events past their keeping time");
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

void Daemon::publish_live() {
  if (!web_ || live_feed_.listeners() == 0) return;
  json j = control_.status();
  if (auto checks = control_.checks(); checks.contains("checks")) j["checks"] = checks["checks"];
  live_feed_.publish(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

void Daemon::handle(const json& request, adapters::IpcServer::Reply reply) {
  try {
    const std::string cmd = request.value("cmd", "");
    if (cmd == "ping") {
      reply({{"ok", true}, {"version", sb::version()}, {"revision", sb::revision()}});
    } else if (control_.handle(cmd, request, reply)) {
      // status, params, history, battery, events
    } else if (cmd == "doctor") {
      // A fresh read on the bus thread, queued behind any running poll (one owner per bus).
      bus_.submit([this, reply] {
        json survey = adapters::survey_to_json(device::survey(link_, map_));
        loop_.post([this, reply, s = std::move(survey)] {
          reply({{"ok", true},
                 {"daemon_pid", ::getpid()},
                 {"lock", port_lock_ ? port_lock_->path() : std::string()},
                 {"link", device::to_string(link_state_)},
                 {"survey", s},
                 {"time", time_json()},
                 {"bms", bms_counters_json()}});
        });
      });
    } else if (reports_.handle(cmd, request, reply)) {
      // report.mail
    } else if (maintenance_.handle(cmd, request, clock_.wall_now(), time_.trusted(), reply)) {
      // maintenance.list, maintenance.done
    } else if (cmd == "refresh") {
      refresh(reply);
    } else if (cmd == "weather.refresh") {
      refresh_weather(reply);
    } else if (!settings_->handle(cmd, request, reply)) {
      reply({{"ok", false}, {"error", "unknown command '" + cmd + "'"}});
    }
  } catch (const json::exception& e) {
    // A request with fields of the wrong type: answer, never crash.
    reply({{"ok", false}, {"error", std::string("bad request: ") + e.what()}});
  }
}

json Daemon::bms_counters_json() const {
  json j = {{"mode", device::to_string(config_.bms.options.mode)}};
  if (!bms_.source) return j;
  j["port"] = bms_port_;
  if (last_bms_) {
    const auto& c = last_bms_->counters;
    j["counters"] = {{"bytes", c.stream.bytes},
                     {"ascii_frames", c.stream.ascii_frames},
                     {"rtu_frames", c.stream.rtu_frames},
                     {"garbage_bytes", c.stream.garbage_bytes},
                     {"bad_checksums", c.stream.bad_checksums},
                     {"malformed", c.stream.malformed},
                     {"truncated", c.stream.truncated},
                     {"requests", c.requests},
                     {"timeouts", c.timeouts},
                     {"refused", c.refused},
                     {"last_error", c.last_error}};
  }
  return j;
}

}  // namespace sb::app
