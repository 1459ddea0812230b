// SPDX-License-Identifier: Apache-2.0
// What reaches a person (docs/reports.md "Notifications" and "E-mail"): events at or above the
// configured severity by e-mail and/or a command (grouped, rate-limited, retried), and the daily
// and weekly reports by e-mail with their chart. Sending happens on a thread of its own: an SMTP
// server that hangs, or a slow hook, never holds up the event loop. Results come back through
// the loop.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/outbound.hpp"
#include "sunbridge/adapters/sqlite_db.hpp"
#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/core/worker_thread.hpp"
#include "sunbridge/domain/notify_batcher.hpp"

namespace sb::app {

// A report to e-mail: its text and, optionally, a chart description to draw and attach.
struct ReportMail {
  std::string subject, text;
  std::optional<nlohmann::json> chart;
  std::string chart_file_name;  // without extension
};

class NotificationService {
 public:
  // `site_name` goes into subjects (the device id). `record` takes the service's own events
  // (a notification that could not be sent), which are never notified themselves.
  // E-mail goes out through `outbound` (which must outlive this). Events not yet sent are kept
  // in `db` (its state table) until they are, and sent after a stop or a crash: a message in
  // flight at the stop may be sent twice, none is lost.
  NotificationService(const adapters::EmailConfig& email, const adapters::NotifyConfig& notify,
                      std::string site_name, EventLoop& loop, const Clock& clock, Logger& log,
                      adapters::Outbound& outbound, adapters::SqliteDb& db);
  ~NotificationService();
  NotificationService(const NotificationService&) = delete;
  NotificationService& operator=(const NotificationService&) = delete;

  // Whether anything is configured to send events to.
  [[nodiscard]] bool notifies() const;
  [[nodiscard]] bool mails() const { return email_.enabled; }
  // An event recorded by the daemon (on the loop).
  void on_event(const Event& e);
  // E-mails a report (on the loop); the outcome is logged. `done` (optional) gets the result
  // on the loop.
  void send_report(ReportMail mail, std::function<void(Status)> done = {});
  // Stops the sending thread (a message being sent is finished or abandoned at its timeout).
  void stop();

 private:
  void arm();
  void flush();
  void restore_unsent();
  void save_unsent();

  adapters::EmailConfig email_;
  adapters::Outbound& outbound_;
  adapters::NotifyConfig notify_;
  std::string site_name_;
  EventLoop& loop_;
  const Clock& clock_;
  Logger& log_;
  domain::NotifyBatcher batcher_;
  // Handed to the sending thread, its outcome not back yet; kept in the database until sent.
  std::optional<domain::NotifyBatch> in_flight_batch_;
  adapters::SqliteDb& db_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // read and cleared on the loop
  std::optional<EventLoop::TimerId> timer_;
  WorkerThread sender_;  // declared last: joined before the rest goes
};

// The events of a batch as the command hook receives them on its standard input.
nlohmann::json notify_json(const domain::NotifyBatch& batch, const std::string& site_name);

}  // namespace sb::app
