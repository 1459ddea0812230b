// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/notification_service.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "sunbridge/adapters/run_program.hpp"
#include "sunbridge/adapters/settings_store.hpp"
#include "sunbridge/adapters/smtp_mail.hpp"
#include "sunbridge/core/local_time.hpp"

namespace sb::app {

using nlohmann::json;

namespace {

constexpr const char* kComponent = "notify";
constexpr auto kCommandTimeout = std::chrono::seconds(30);
constexpr auto kPlotTimeout = std::chrono::seconds(60);
// The state table's key for the events not yet sent (kept across a stop or a crash).
constexpr const char* kUnsentKey = "notify.unsent";

std::int64_t to_ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

json batch_to_json(const domain::NotifyBatch& batch) {
  json entries = json::array();
  for (const auto& e : batch.entries) {
    entries.push_back({{"kind", e.kind},
                       {"severity", to_string(e.severity)},
                       {"count", e.count},
                       {"first_ms", to_ms(e.first)},
                       {"last_ms", to_ms(e.last)},
                       {"first_message", e.first_message},
                       {"last_message", e.last_message}});
  }
  return {{"entries", std::move(entries)}, {"left_out", batch.left_out}};
}

// What batch_to_json wrote. An entry that is not as it would have been written is left out and
// counted in `malformed`: the rest still goes.
domain::NotifyBatch batch_from_json(const json& j, int& malformed) {
  domain::NotifyBatch batch;
  if (!j.is_object()) {
    ++malformed;
    return batch;
  }
  const auto text = [](const json& o, const char* key) -> const std::string* {
    const auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
  };
  const auto integer = [](const json& o, const char* key) -> std::optional<std::int64_t> {
    const auto it = o.find(key);
    if (it == o.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
  };
  if (const auto left_out = integer(j, "left_out");
      left_out && *left_out >= 0 && *left_out < 1000000) {
    batch.left_out = static_cast<int>(*left_out);
  }
  const auto entries = j.find("entries");
  if (entries == j.end() || !entries->is_array()) return batch;
  for (const auto& e : *entries) {
    const std::string* kind = e.is_object() ? text(e, "kind") : nullptr;
    const std::string* severity_text = kind ? text(e, "severity") : nullptr;
    const auto severity = severity_text ? severity_from_string(*severity_text) : std::nullopt;
    const std::string* first_message = kind ? text(e, "first_message") : nullptr;
    const std::string* last_message = kind ? text(e, "last_message") : nullptr;
    const auto count = kind ? integer(e, "count") : std::nullopt;
    const auto first_ms = kind ? integer(e, "first_ms") : std::nullopt;
    const auto last_ms = kind ? integer(e, "last_ms") : std::nullopt;
    if (!kind || kind->empty() || !severity || !first_message || !last_message || !count ||
        *count < 1 || *count > 1000000 || !first_ms || !last_ms || *last_ms < *first_ms) {
      ++malformed;
      continue;
    }
    batch.entries.push_back({*kind, *severity, *first_message, *last_message,
                             WallTime(std::chrono::milliseconds(*first_ms)),
                             WallTime(std::chrono::milliseconds(*last_ms)),
                             static_cast<int>(*count)});
  }
  return batch;
}

// Draws the chart with sunbridge-plot into a scratch file and reads it back.
Result<adapters::MailAttachment> draw_attachment(const json& chart, const std::string& name) {
  char path[] = "/tmp/sunbridge-chart-XXXXXX.png";
  const int fd = ::mkstemps(path, 4);
  if (fd < 0) return Error::io(errno, "cannot make a scratch file for the chart");
  ::close(fd);
  const std::vector<std::string> argv = {adapters::program_beside_self("sunbridge-plot"),
                                         "--output", path, "--format", "png"};
  auto run = adapters::run_program(argv, chart.dump(), kPlotTimeout);
  std::string data;
  if (run && run->exit_status == 0) {
    std::ifstream in(path, std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(in), {});
  }
  ::unlink(path);
  if (!run) return run.error();
  if (run->exit_status != 0) return Error::io(0, adapters::describe_failure(argv, *run));
  if (data.empty()) return Error::io(0, "the chart came out empty");
  return adapters::MailAttachment{name + ".png", "image/png", std::move(data)};
}

// The send times save_unsent stored for the hourly limit; an entry that is not a time is counted
// in `malformed`.
std::vector<WallTime> sent_from_json(const json& unsent, int& malformed) {
  std::vector<WallTime> out;
  const auto it = unsent.find("sent_ms");
  if (it == unsent.end()) return out;
  if (!it->is_array()) {
    ++malformed;
    return out;
  }
  for (const auto& t : *it) {
    if (t.is_number_integer()) {
      out.push_back(WallTime{std::chrono::milliseconds(t.get<std::int64_t>())});
    } else {
      ++malformed;
    }
  }
  return out;
}

}  // namespace

json notify_json(const domain::NotifyBatch& batch, const std::string& site_name) {
  json events = json::array();
  for (const auto& e : batch.entries) {
    events.push_back({{"kind", e.kind},
                      {"severity", to_string(e.severity)},
                      {"count", e.count},
                      {"first", format_iso8601_utc(e.first)},
                      {"last", format_iso8601_utc(e.last)},
                      {"first_message", e.first_message},
                      {"last_message", e.last_message}});
  }
  return {{"site", site_name},
          {"severity", to_string(batch.highest())},
          {"events", std::move(events)},
          {"left_out", batch.left_out}};
}

NotificationService::NotificationService(const adapters::EmailConfig& email,
                                         const adapters::NotifyConfig& notify,
                                         std::string site_name, EventLoop& loop, const Clock& clock,
                                         Logger& log, adapters::Outbound& outbound,
                                         adapters::SqliteDb& db)
    : email_(email),
      outbound_(outbound),
      notify_(notify),
      site_name_(std::move(site_name)),
      loop_(loop),
      clock_(clock),
      log_(log),
      batcher_(domain::NotifyPolicy{notify.min_severity, notify.group, notify.max_per_hour,
                                    std::chrono::seconds(60), notify.retry_max, 50}),
      db_(db),
      sender_("notify") {
  restore_unsent();
}

NotificationService::~NotificationService() {
  stop();
  *alive_ = false;  // outcomes already posted to the loop find nobody
}

void NotificationService::stop() {
  if (timer_) loop_.cancel(*timer_);
  timer_.reset();
  sender_.stop();
}

bool NotificationService::notifies() const {
  return (email_.enabled && notify_.email) || !notify_.command.empty();
}

void NotificationService::on_event(const Event& e) {
  if (!notifies() || e.kind.rfind("notify.", 0) == 0) return;
  if (!batcher_.add(e)) return;
  save_unsent();
  arm();
}

void NotificationService::restore_unsent() {
  adapters::SettingsStore store(db_);
  auto stored = store.get(kUnsentKey);
  if (!stored) {
    log_.warn(kComponent, "cannot read the notifications not sent before the last stop: " +
                              stored.error().describe());
    return;
  }
  if (!*stored) return;
  const json& unsent = **stored;
  int malformed = 0;
  int events = 0;
  std::vector<domain::NotifyBatch> batches;
  // The message in flight at the stop first: its events are the older.
  for (const char* part : {"in_flight", "pending"}) {
    if (!unsent.is_object() || !unsent.contains(part)) continue;
    batches.push_back(batch_from_json(unsent[part], malformed));
    events += batches.back().events();
  }
  if (malformed > 0) {
    log_.warn(kComponent, std::to_string(malformed) +
                              " stored notification entries were unreadable and are dropped");
  }
  if (!notifies()) {
    // Nothing to send them to any more (the e-mail and the command were taken out).
    if (events > 0) {
      log_.info(kComponent, std::to_string(events) +
                                " event(s) not notified before the last stop are dropped: no "
                                "e-mail or command is configured now");
    }
    if (Status s = store.erase(kUnsentKey); !s) {
      log_.warn(kComponent, "cannot clear the stored notifications: " + s.error().describe());
    }
    return;
  }
  const auto now = clock_.wall_now();
  batcher_.restore_sent(sent_from_json(unsent, malformed), now);
  for (const auto& batch : batches)
    batcher_.restore(batch, now);
  if (events > 0) {
    log_.info(kComponent,
              std::to_string(events) + " event(s) not notified before the last stop will be sent");
  }
  save_unsent();
  arm();
}

void NotificationService::save_unsent() {
  adapters::SettingsStore store(db_);
  Status s;
  const auto now = clock_.wall_now();
  const auto sent = batcher_.sent_in_last_hour(now);
  if (!in_flight_batch_ && !batcher_.waiting() && sent.empty()) {
    s = store.erase(kUnsentKey);
  } else {
    json unsent = {{"pending", batch_to_json(batcher_.pending())}};
    if (in_flight_batch_) unsent["in_flight"] = batch_to_json(*in_flight_batch_);
    json sent_ms = json::array();
    for (const WallTime t : sent)
      sent_ms.push_back(to_ms(t));
    unsent["sent_ms"] = std::move(sent_ms);  // for the hourly limit
    s = store.put(kUnsentKey, unsent, now);
  }
  if (!s) {
    // Still sent from memory; only a stop before then would lose them.
    log_.warn(kComponent,
              "cannot store the notifications waiting to be sent: " + s.error().describe());
  }
}

// One timer, at the batcher's next due time.
void NotificationService::arm() {
  if (in_flight_batch_) return;  // the outcome re-arms
  const auto due = batcher_.next_due();
  if (!due) return;
  if (timer_) loop_.cancel(*timer_);
  const auto delay =
      std::max(std::chrono::milliseconds(0),
               std::chrono::duration_cast<std::chrono::milliseconds>(*due - clock_.wall_now()));
  timer_ = loop_.schedule_after(delay + std::chrono::milliseconds(10), [this] {
    timer_.reset();
    flush();
  });
}

void NotificationService::flush() {
  if (in_flight_batch_) return;
  auto batch = batcher_.take(clock_.wall_now());
  if (!batch) return arm();
  in_flight_batch_ = *batch;
  save_unsent();  // with the time it was taken: a stop while it is sent still counts it
  const auto text = domain::notify_text(*batch, site_name_);
  const json payload = notify_json(*batch, site_name_);
  const bool by_mail = email_.enabled && notify_.email;
  sender_.submit(
      [this, alive = alive_, batch = std::move(*batch), text, payload, by_mail]() mutable {
        std::string problem;
        if (by_mail) {
          const auto now = clock_.wall_now();
          if (Status s = outbound_.mail(email_, {text.subject, text.body, {}}, now); !s) {
            problem = s.error().describe();
          }
        }
        if (!notify_.command.empty()) {
          auto run = adapters::run_program(notify_.command, payload.dump() + "\n", kCommandTimeout);
          const std::string failed = !run ? run.error().describe()
                                     : run->exit_status != 0
                                         ? adapters::describe_failure(notify_.command, *run)
                                         : std::string();
          if (!failed.empty()) problem += (problem.empty() ? "" : "; ") + failed;
        }
        loop_.post([this, alive, batch = std::move(batch), problem]() mutable {
          if (!*alive) return;  // stopped meanwhile: the database still has the batch
          in_flight_batch_.reset();
          if (problem.empty()) {
            batcher_.sent();
            log_.info(kComponent,
                      "sent a notification of " + std::to_string(batch.events()) + " event(s)");
          } else {
            const int events = batch.events();
            batcher_.failed(std::move(batch), clock_.wall_now());
            log_.warn(kComponent, "could not send a notification of " + std::to_string(events) +
                                      " event(s), will try again: " + problem);
          }
          save_unsent();
          arm();
        });
      });
}

void NotificationService::send_report(ReportMail mail, std::function<void(Status)> done) {
  if (!email_.enabled) {
    if (done) done(Error::invalid("no e-mail server is configured (email.url)"));
    return;
  }
  const bool attach = email_.attach_plot && mail.chart.has_value();
  sender_.submit([this, alive = alive_, mail = std::move(mail), attach,
                  done = std::move(done)]() mutable {
    adapters::MailMessage message{mail.subject, mail.text, {}};
    std::string chart_problem;
    if (attach) {
      auto attachment = draw_attachment(*mail.chart, mail.chart_file_name);
      if (attachment) {
        message.attachments.push_back(std::move(*attachment));
      } else {
        // The report still goes out, saying why its chart is missing.
        chart_problem = attachment.error().describe();
        message.text += "\n(the chart could not be drawn: " + chart_problem + ")\n";
      }
    }
    Status sent = outbound_.mail(email_, message, clock_.wall_now());
    loop_.post([this, alive, subject = mail.subject, sent, chart_problem, done = std::move(done)] {
      if (!*alive) return;
      if (!chart_problem.empty()) log_.warn(kComponent, "chart not drawn: " + chart_problem);
      if (sent) {
        log_.info(kComponent, "e-mailed \"" + subject + "\"");
      } else {
        log_.warn(kComponent, "could not e-mail \"" + subject + "\": " + sent.error().describe());
      }
      if (done) done(sent);
    });
  });
}

}  // namespace sb::app
