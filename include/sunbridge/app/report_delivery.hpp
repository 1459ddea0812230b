// SPDX-License-Identifier: Apache-2.0
// The morning reports (docs/reports.md "Morning reports"): after 07:15 local time, once the
// clock is trusted, yesterday's report (and on Mondays last week's) is published on MQTT
// (retained) and, when configured, e-mailed with its chart. Also `sunbridge report ... --mail`.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/ipc_server.hpp"
#include "sunbridge/app/control_api.hpp"
#include "sunbridge/app/mail_plan.hpp"
#include "sunbridge/app/notification_service.hpp"
#include "sunbridge/core/clock.hpp"

namespace sb::app {

class ReportDelivery {
 public:
  // `publish(leaf, payload)` puts a retained state message on MQTT; false when there is no
  // broker connection yet (tried again at the next run).
  using Publish = std::function<bool(const std::string& leaf, const std::string& payload)>;
  ReportDelivery(ControlApi& control, NotificationService& mail, const adapters::EmailConfig& email,
                 std::string site_name, Publish publish);

  // Called now and then (with the history commit): does what is due today, once.
  void run(WallTime now, bool clock_trusted);
  // "report.mail": e-mails the report of request["period"] containing request["date"] now.
  bool handle(const std::string& cmd, const nlohmann::json& request,
              const adapters::IpcServer::Reply& reply);
  // E-mails one report with its chart; `done` gets the outcome on the loop.
  void mail(const std::string& period, const std::string& date, std::function<void(Status)> done);

 private:
  ControlApi& control_;
  NotificationService& mailer_;
  const adapters::EmailConfig& email_;
  std::string site_name_;
  Publish publish_;
  std::string published_day_;  // the local day whose reports went to MQTT
  MailPlan plan_;              // what is still to be e-mailed today
};

// "sunbridge gw1: day 2026-12-01: 8.40 kWh bought, 212 yen; saved 431 yen".
std::string report_subject(const nlohmann::json& report, const std::string& site_name);

}  // namespace sb::app
