// SPDX-License-Identifier: Apache-2.0
// sunbridged: wires the layers together and owns the event loop. The bus owner thread runs the
// inverter link; everything it produces is posted back to the loop, which alone touches the
// point store, the history and the control socket. See docs/architecture.md.
#pragma once

#include <memory>
#include <optional>
#include <set>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/history_reader.hpp"
#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/ipc_server.hpp"
#include "sunbridge/adapters/outbound.hpp"
#include "sunbridge/adapters/systemd_notify.hpp"
#include "sunbridge/adapters/web/dashboard.hpp"
#include "sunbridge/adapters/web/live_feed.hpp"
#include "sunbridge/app/bms_link.hpp"
#include "sunbridge/app/checks_runner.hpp"
#include "sunbridge/app/cloud_link.hpp"
#include "sunbridge/app/control_api.hpp"
#include "sunbridge/app/energy_accounts.hpp"
#include "sunbridge/app/kpi_review.hpp"
#include "sunbridge/app/maintenance_service.hpp"
#include "sunbridge/app/notification_service.hpp"
#include "sunbridge/app/remote_control.hpp"
#include "sunbridge/app/report_delivery.hpp"
#include "sunbridge/app/settings_controller.hpp"
#include "sunbridge/app/tariff_service.hpp"
#include "sunbridge/app/time_watch.hpp"
#include "sunbridge/app/weather_service.hpp"
#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/core/sample_clock.hpp"
#include "sunbridge/core/worker_thread.hpp"
#include "sunbridge/device/inverter_link.hpp"
#include "sunbridge/domain/cross_check.hpp"
#include "sunbridge/domain/fault_watch.hpp"
#include "sunbridge/domain/point_store.hpp"
#include "sunbridge/protocol/fault_table.hpp"
#include "sunbridge/protocol/register_map.hpp"
#include "sunbridge/transport/libmodbus_client.hpp"
#include "sunbridge/transport/modbus_client.hpp"
#include "sunbridge/transport/port_lock.hpp"

namespace sb::app {

class Daemon {
 public:
  // Acquires the port lock, opens the database and the control socket. Throws
  // std::runtime_error with a clear message on any start-up failure. Forecasts and e-mail go
  // out through `outbound` (which must outlive the daemon).
  Daemon(adapters::Config config, const Clock& clock, const TimeSyncSource& time_source,
         Logger& log, adapters::Outbound& outbound);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until SIGTERM/SIGINT (or stop()), then flushes and returns the exit code.
  int run();
  void stop() { loop_.stop(); }

 private:
  void schedule_poll(protocol::Group group, EventLoop::Clock::time_point when);
  void start_poll(protocol::Group group);
  void on_report(device::PollReport& report);
  void schedule_bms(EventLoop::Clock::time_point when);
  void on_bms_report(device::BmsReport report);
  void run_cross_checks(WallTime now);
  void check_time_sync();
  // Once a morning (after 07:15, clock trusted, broker configured; checked with each history
  // commit): yesterday's report retained
  // on report/daily, and on Mondays the week before on report/weekly.
  void save_learned_holes(const std::string& firmware, const device::LearnedHoles& holes,
                          WallTime now);
  [[nodiscard]] nlohmann::json time_json() const;
  // Stores (and, unless already logged, logs) an event; the cloud link publishes it.
  void record_event(const Event& e, bool log = true);
  nlohmann::json bms_counters_json() const;
  void schedule_commit();
  void schedule_prune();
  void schedule_watchdog();
  void schedule_telemetry();
  void handle(const nlohmann::json& request, adapters::IpcServer::Reply reply);
  void refresh(adapters::IpcServer::Reply reply);
  void refresh_weather(adapters::IpcServer::Reply reply);
  void adopt_poll_intervals(const adapters::DesiredConfig& desired);
  [[nodiscard]] DaemonFacts facts() const;
  // The status (with the checks) to the dashboard's open live views, if there are any.
  void publish_live();

  adapters::Config config_;
  const Clock& clock_;
  Logger& log_;
  adapters::Outbound& outbound_;
  protocol::RegisterMap map_;
  protocol::FaultTable faults_;
  std::optional<transport::PortLock> port_lock_;
  adapters::HistoryStore history_;
  EventLoop loop_;
  adapters::HistoryReader history_reader_;
  domain::PointStore points_;
  ChecksRunner checks_;  // the checks engine, the fan, the charge lease (after points_)
  ControlApi control_;   // the read answers: status, params, history, battery, events
  TimeWatch time_;
  TariffService tariff_;
  EnergyAccounts energy_;
  KpiReview kpis_;
  MaintenanceService maintenance_;
  NotificationService notifications_;  // events and reports to people (its thread posts to loop_)
  ReportDelivery reports_;             // the morning reports on MQTT and by e-mail
  adapters::SystemdNotifier notifier_;
  std::unique_ptr<adapters::IpcServer> ipc_;
  std::unique_ptr<transport::ModbusClient> client_;  // RS485, Modbus TCP or a Solarman logger
  device::InverterLink link_;
  BmsLink bms_;
  domain::CrossCheck cross_check_;
  std::unique_ptr<SettingsController> settings_;
  std::unique_ptr<WeatherService> weather_;
  std::unique_ptr<CloudLink> cloud_;
  std::unique_ptr<RemoteControl> remote_;  // uses cloud_ and settings_: declared after them
  // The configuration file's poll intervals (a desired configuration may replace them).
  std::chrono::milliseconds local_poll_interval_{0}, local_settings_interval_{0};
  // Declared last: destroyed first, so their threads are gone before the links they use.
  WorkerThread bus_;
  std::unique_ptr<WorkerThread> bms_bus_;

  bool poll_in_flight_[3] = {false, false, false};
  // Each group's last report, handed back to the bus for the next poll of that group so that
  // its points are written over rather than allocated again (docs/benchmarks.md).
  device::PollReport spare_reports_[3];
  MonoTime poll_started_[3]{};
  device::LinkState link_state_ = device::LinkState::kOffline;
  std::string bms_link_state_;   // "" until the first BMS report
  std::string port_, bms_port_;  // the ports as the user configured them (loop thread only)
  domain::FaultWatch fault_watch_;
  device::LinkStats link_stats_;
  WallTime started_at_;
  // When a poll becomes a history sample: live values, bank values, pack details.
  SampleClock live_samples_{std::chrono::seconds(60)};
  SampleClock bank_samples_{std::chrono::seconds(60)};
  SampleClock pack_samples_{std::chrono::seconds(300)};
  std::set<std::string> untiered_;  // map rows the history tiers leave out
  std::optional<device::BmsReport> last_bms_;
  int exit_code_ = 0;
  // The dashboard (http.listen): its live values, and its server, last so that it stops first
  // (its threads ask the loop through handle()).
  adapters::web::LiveFeed live_feed_;
  std::unique_ptr<adapters::web::Dashboard> web_;
};

}  // namespace sb::app
