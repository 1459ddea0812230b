// SPDX-License-Identifier: Apache-2.0
// The "email" and "notify" configuration sections. Reference: docs/configuration.md and
// docs/reports.md.
#include "sunbridge/adapters/config.hpp"

namespace sb::adapters {

using nlohmann::json;
using schema::Schema;

namespace {

std::optional<std::string> check_smtp_url(const json& v) {
  const std::string s = v.get<std::string>();
  for (const char* scheme : {"smtp://", "smtps://"}) {
    if (s.rfind(scheme, 0) == 0 && s.size() > std::string(scheme).size()) return std::nullopt;
  }
  return "expected smtps://host:465 or smtp://host:587";
}

// A plain address or "Name <address>": one '@', no spaces or line breaks in the address.
std::optional<std::string> check_address(const json& v) {
  std::string s = v.get<std::string>();
  const auto open = s.find('<');
  if (open != std::string::npos) {
    const auto close = s.find('>', open);
    if (close == std::string::npos || close + 1 != s.size()) return "expected Name <address>";
    s = s.substr(open + 1, close - open - 1);
  }
  const auto at = s.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == s.size() ||
      s.find('@', at + 1) != std::string::npos ||
      s.find_first_of(" \t\r\n<>,;") != std::string::npos) {
    return "expected an e-mail address such as owner@example.com";
  }
  return std::nullopt;
}

}  // namespace

Schema email_section_schema() {
  Schema address = Schema::string(3, 320).with_check(check_address);
  return Schema::object({
      schema::optional("url", Schema::string(8, 1024).with_check(check_smtp_url)),
      schema::optional("from", address),
      schema::optional("to", Schema::array_of(address, 1, 10)),
      schema::optional("username", Schema::string(1, 256)),
      schema::optional("password", Schema::string(1, 256)),
      schema::optional("password_file", Schema::string(1, 4096)),
      schema::optional("ca_file", Schema::string(1, 4096)),
      schema::optional("timeout_s", Schema::integer(5, 600).with_default(30)),
      schema::optional("daily_report", Schema::boolean().with_default(true)),
      schema::optional("weekly_report", Schema::boolean().with_default(true)),
      schema::optional("attach_plot", Schema::boolean().with_default(true)),
  });
}

Schema notify_section_schema() {
  return Schema::object({
      schema::optional("min_severity",
                       Schema::choice({"info", "warning", "critical"}).with_default("warning")),
      schema::optional("email", Schema::boolean().with_default(true)),
      schema::optional("command", Schema::array_of(Schema::string(1, 4096), 1, 32)),
      schema::optional("group_s", Schema::integer(0, 86400).with_default(120)),
      schema::optional("max_per_hour", Schema::integer(1, 60).with_default(6)),
      schema::optional("retry_max_s", Schema::integer(60, 86400).with_default(3600)),
  });
}

void load_notify_sections(json& doc, const std::string& base_dir, Config& c, schema::Issues& issues,
                          Secrets secret_files) {
  json& e = doc["email"];
  EmailConfig& ec = c.email;
  ec.enabled = e.contains("url");
  ec.timeout = std::chrono::seconds(e["timeout_s"].get<int>());
  ec.daily_report = e["daily_report"].get<bool>();
  ec.weekly_report = e["weekly_report"].get<bool>();
  ec.attach_plot = e["attach_plot"].get<bool>();
  if (e.contains("username")) ec.username = e["username"].get<std::string>();
  if (e.contains("password")) ec.password = e["password"].get<std::string>();
  if (e.contains("password_file")) {
    e["password_file"] = resolve_path(base_dir, e["password_file"].get<std::string>());
    if (e.contains("password")) {
      issues.push_back({"email.password_file", "give password or password_file, not both"});
    } else if (secret_files == Secrets::kRead) {
      if (auto p = read_secret_file(e["password_file"].get<std::string>(), "email.password_file",
                                    issues)) {
        ec.password = *p;
      }
    }
  }
  if (e.contains("ca_file")) {
    e["ca_file"] = resolve_path(base_dir, e["ca_file"].get<std::string>());
    ec.ca_file = e["ca_file"].get<std::string>();
  }
  if (ec.enabled) {
    ec.url = e["url"].get<std::string>();
    if (!e.contains("from")) issues.push_back({"email.from", "is required with email.url"});
    if (!e.contains("to")) issues.push_back({"email.to", "is required with email.url"});
  } else {
    for (const char* key : {"from", "to", "username", "password", "password_file"}) {
      if (e.contains(key)) issues.push_back({std::string("email.") + key, "needs email.url"});
    }
  }
  if (e.contains("from")) ec.from = e["from"].get<std::string>();
  if (e.contains("to")) ec.to = e["to"].get<std::vector<std::string>>();
  // No TLS exception to make here: send_mail requires STARTTLS on an smtp:// URL to any server
  // that is not on this machine, so a password never crosses a network in clear text.

  const json& n = doc["notify"];
  NotifyConfig& nc = c.notify;
  nc.min_severity =
      severity_from_string(n["min_severity"].get<std::string>()).value_or(Severity::kWarning);
  nc.email = n["email"].get<bool>();
  if (n.contains("command")) nc.command = n["command"].get<std::vector<std::string>>();
  nc.group = std::chrono::seconds(n["group_s"].get<int>());
  nc.max_per_hour = n["max_per_hour"].get<int>();
  nc.retry_max = std::chrono::seconds(n["retry_max_s"].get<int>());
}

}  // namespace sb::adapters
