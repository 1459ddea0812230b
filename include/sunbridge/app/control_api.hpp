// SPDX-License-Identifier: Apache-2.0
// The read side of the control API: the answers to status, params, history, battery, events and
// checks,
// built from the point store and the history. One unit that every front end calls (the CLI's
// socket today, the local web page and MQTT later), so they all answer alike. Runs on the event
// loop; history queries answer later, from the history reader's thread.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/history_reader.hpp"
#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/ipc_server.hpp"
#include "sunbridge/app/tariff_service.hpp"
#include "sunbridge/core/clock.hpp"
#include "sunbridge/device/inverter_link.hpp"
#include "sunbridge/domain/checks/engine.hpp"
#include "sunbridge/domain/point_store.hpp"
#include "sunbridge/protocol/register_map.hpp"

namespace sb::app {

// What only the daemon knows about itself, read when an answer needs it.
struct DaemonFacts {
  std::string port;  // "rtu:/dev/ttyUSB0 9600 8N1 slave 1"
  device::LinkState link_state = device::LinkState::kOffline;
  device::LinkStats link_stats;
  WallTime started{};
  nlohmann::json bms;  // the BMS mode, port and stream counters
};

struct ControlContext {
  const adapters::Config& config;
  const protocol::RegisterMap& map;
  const Clock& clock;
  const domain::PointStore& points;
  adapters::HistoryStore& history;
  adapters::HistoryReader& history_reader;
  std::function<DaemonFacts()> facts;
  const domain::checks::CheckEngine* checks = nullptr;  // none: no "checks" answer
  const TariffService* tariff = nullptr;                // none: no "report" answer
};

class ControlApi {
 public:
  explicit ControlApi(ControlContext ctx) : ctx_(std::move(ctx)) {}

  // Answers `cmd` if it is one of the read commands; false otherwise (the caller tries others).
  // Throws nlohmann::json::exception on fields of the wrong type (the caller answers that).
  bool handle(const std::string& cmd, const nlohmann::json& request,
              const adapters::IpcServer::Reply& reply);

  [[nodiscard]] nlohmann::json status() const;
  [[nodiscard]] nlohmann::json params(const nlohmann::json& request) const;
  [[nodiscard]] nlohmann::json battery() const;
  [[nodiscard]] nlohmann::json checks() const;
  [[nodiscard]] nlohmann::json events(const nlohmann::json& request) const;
  // The power-quality summary (docs/checks.md "sunbridge pq").
  [[nodiscard]] nlohmann::json pq(const nlohmann::json& request) const;
  void history(const nlohmann::json& request, const adapters::IpcServer::Reply& reply);
  // A day, week, month or year in kWh and yen by tariff band (docs/reports.md;
  // control_report.cpp).
  [[nodiscard]] nlohmann::json report(const nlohmann::json& request) const;
  // A chart description ("day", "week" or "month" containing request["date"]; control_plot.cpp),
  // answered through `reply`, on the loop, once the history is read.
  void plot(const nlohmann::json& request, const std::function<void(nlohmann::json)>& reply);
  // Each settings change of the last year with the 7 days before and the 7 from it.
  [[nodiscard]] nlohmann::json report_changes(WallTime now) const;

  // Beyond this a reply grows past what the CLI should hold in memory on a Pi (about 30 MB of
  // JSON); the newest rows are kept and the reply says older ones were left out.
  static constexpr std::size_t kMaxHistoryRows = 200000;

 private:
  ControlContext ctx_;
};

}  // namespace sb::app
