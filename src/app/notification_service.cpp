// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/notification_service.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "sunbridge/adapters/run_program.hpp"
#include "sunbridge/adapters/smtp_mail.hpp"
#include "sunbridge/core/local_time.hpp"

namespace sb::app {

using nlohmann::json;

namespace {

constexpr const char* kComponent = "notify";
constexpr auto kCommandTimeout = std::chrono::seconds(30);
constexpr auto kPlotTimeout = std::chrono::seconds(60);

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
                                         Logger& log, adapters::Outbound& outbound)
    : email_(email),
      outbound_(outbound),
      notify_(notify),
      site_name_(std::move(site_name)),
      loop_(loop),
      clock_(clock),
      log_(log),
      batcher_(domain::NotifyPolicy{notify.min_severity, notify.group, notify.max_per_hour,
                                    std::chrono::seconds(60), notify.retry_max, 50}),
      sender_("notify") {}

NotificationService::~NotificationService() {
  stop();
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
  if (batcher_.add(e)) arm();
}

// One timer, at the batcher's next due time.
void NotificationService::arm() {
  if (in_flight_) return;  // the outcome re-arms
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
  if (in_flight_) return;
  auto batch = batcher_.take(clock_.wall_now());
  if (!batch) return arm();
  in_flight_ = true;
  const auto text = domain::notify_text(*batch, site_name_);
  const json payload = notify_json(*batch, site_name_);
  const bool by_mail = email_.enabled && notify_.email;
  sender_.submit([this, batch = std::move(*batch), text, payload, by_mail]() mutable {
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
    loop_.post([this, batch = std::move(batch), problem]() mutable {
      in_flight_ = false;
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
  sender_.submit([this, mail = std::move(mail), attach, done = std::move(done)]() mutable {
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
    loop_.post([this, subject = mail.subject, sent, chart_problem, done = std::move(done)] {
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
