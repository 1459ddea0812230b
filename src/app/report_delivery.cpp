// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/report_delivery.hpp"

#include <cstdio>

#include "sunbridge/adapters/report_text.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/forecast.hpp"

namespace sb::app {

using nlohmann::json;

namespace {

// After the KPI review at 07:00 has booked yesterday.
constexpr int kReportMinute = 7 * 60 + 15;

// The chart that goes with a report period (a year has none).
std::optional<std::string> chart_of(const std::string& period) {
  if (period == "day" || period == "week" || period == "month") return period;
  return std::nullopt;
}

}  // namespace

std::string report_subject(const json& report, const std::string& site_name) {
  const json total = report.value("total", json::object());
  char figures[160];
  std::snprintf(figures, sizeof figures, "%.2f kWh bought, %.0f yen; saved %.0f yen",
                total.value("grid_import_kwh", 0.0), total.value("yen", 0.0),
                report.value("saving_vs_no_system_yen", 0.0));
  const std::string from = report.value("from", ""), to = report.value("to", "");
  return "sunbridge " + site_name + ": " + report.value("period", "") + " " + from +
         (to != from ? " to " + to : "") + ": " + figures;
}

ReportDelivery::ReportDelivery(ControlApi& control, NotificationService& mail,
                               const adapters::EmailConfig& email, std::string site_name,
                               Publish publish)
    : control_(control),
      mailer_(mail),
      email_(email),
      site_name_(std::move(site_name)),
      publish_(std::move(publish)) {}

void ReportDelivery::run(WallTime now, bool clock_trusted) {
  if (!clock_trusted) return;
  const CivilTime local = to_local_civil(now);
  if (local.hour * 60 + local.minute < kReportMinute) return;
  const domain::Date today = domain::to_date(local);
  const std::string today_text = domain::format_date(today);
  const std::string yesterday =
      domain::format_date(domain::Date{std::chrono::sys_days(today) - std::chrono::days(1)});
  const bool monday = std::chrono::weekday{std::chrono::sys_days(today)} == std::chrono::Monday;

  if (published_day_ != today_text && publish_) {
    json daily = control_.report({{"period", "day"}, {"date", yesterday}});
    daily.erase("ok");
    if (publish_("report/daily", daily.dump())) {
      if (monday) {
        json weekly = control_.report({{"period", "week"}, {"date", yesterday}});
        weekly.erase("ok");
        publish_("report/weekly", weekly.dump());
      }
      published_day_ = today_text;
    }
  }

  if (!email_.enabled) return;
  std::vector<std::string> wanted;
  if (email_.daily_report) wanted.emplace_back("day");
  if (email_.weekly_report && monday) wanted.emplace_back("week");
  for (const auto& period : plan_.start(today_text, wanted, now)) {
    mail(period, yesterday, [this, today_text, period, now](Status s) {
      plan_.finished(today_text, period, s.ok(), now);
    });
  }
}

void ReportDelivery::mail(const std::string& period, const std::string& date,
                          std::function<void(Status)> done) {
  json report = control_.report({{"period", period}, {"date", date}});
  if (!report.value("ok", false)) {
    if (done) done(Error::invalid(report.value("error", std::string("no report"))));
    return;
  }
  ReportMail mail{
      report_subject(report, site_name_), adapters::render_report(report, false), {}, {}};
  const auto chart = chart_of(period);
  if (!chart || !email_.attach_plot) return mailer_.send_report(std::move(mail), std::move(done));
  control_.plot({{"kind", *chart}, {"date", date}},
                [this, mail = std::move(mail), done = std::move(done)](json reply) mutable {
                  if (reply.value("ok", false)) {
                    mail.chart = std::move(reply["chart"]);
                    mail.chart_file_name = reply.value("file_name", std::string("sunbridge-chart"));
                  } else {
                    mail.text += "\n(no chart: " + reply.value("error", std::string()) + ")\n";
                  }
                  mailer_.send_report(std::move(mail), std::move(done));
                });
}

bool ReportDelivery::handle(const std::string& cmd, const json& request,
                            const adapters::IpcServer::Reply& reply) {
  if (cmd != "report.mail") return false;
  if (!email_.enabled) {
    reply({{"ok", false},
           {"error", "no e-mail server is configured: set email.url, email.from and email.to"}});
    return true;
  }
  const std::string period = request.value("period", std::string("day"));
  const std::string date = request.value("date", std::string());
  mail(period, date, [reply, to = email_.to](Status s) {
    if (!s) return reply({{"ok", false}, {"error", s.error().describe()}});
    reply({{"ok", true}, {"sent_to", to}});
  });
  return true;
}

}  // namespace sb::app
