// SPDX-License-Identifier: Apache-2.0
// The "http" configuration section: the local web dashboard. Reference: docs/dashboard.md.
#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/urls.hpp"
#include "sunbridge/adapters/web/password_hash.hpp"
#include "sunbridge/transport/endpoint.hpp"

namespace sb::adapters {

using nlohmann::json;
using schema::Schema;

namespace {

std::optional<std::string> check_listen(const json& v) {
  // No default port: "ADDRESS" alone (or a bare IPv6 address) is a mistake worth saying.
  const auto hp = transport::parse_host_port(v.get<std::string>(), 0);
  if (!hp || hp->port < 1) {
    return "expected ADDRESS:PORT, for example 127.0.0.1:8080, 192.168.1.10:8080 or [::1]:8080";
  }
  return std::nullopt;
}

std::optional<std::string> check_password_hash(const json& v) {
  if (!web::parse_password_hash(v.get<std::string>())) {
    return "expected the line `sunbridged --hash-password` prints (pbkdf2-sha256$...)";
  }
  return std::nullopt;
}

}  // namespace

Schema http_section_schema() {
  Schema path = Schema::string(1, 4096);
  return Schema::object({
      schema::optional("listen", Schema::string(3, 300).with_check(check_listen)),
      schema::optional("control", Schema::boolean().with_default(false)),
      schema::optional("password_hash", Schema::string(1, 1024).with_check(check_password_hash)),
      schema::optional("tls", Schema::object({
                                  schema::optional("cert_file", path),
                                  schema::optional("key_file", path),
                              })),
      schema::optional("threads", Schema::integer(2, 32).with_default(4)),
      schema::optional("max_live_clients", Schema::integer(1, 64).with_default(20)),
      schema::optional("session_hours", Schema::integer(1, 720).with_default(12)),
  });
}

void load_http_section(const json& doc, Config& c, schema::Issues& issues,
                       std::vector<std::string>& warnings, const std::string& base_dir) {
  const json& h = doc["http"];
  HttpConfig& hc = c.http;
  hc.control = h["control"].get<bool>();
  hc.threads = h["threads"].get<int>();
  hc.max_live_clients = h["max_live_clients"].get<int>();
  hc.session_lifetime = std::chrono::hours(h["session_hours"].get<int>());
  if (h.contains("password_hash")) hc.password_hash = h["password_hash"].get<std::string>();
  if (h.contains("tls")) {
    const json& t = h["tls"];
    if (t.contains("cert_file") != t.contains("key_file")) {
      issues.push_back({"http.tls", "give both cert_file and key_file"});
    } else if (t.contains("cert_file")) {
      hc.tls_cert_file = resolve_path(base_dir, t["cert_file"].get<std::string>());
      hc.tls_key_file = resolve_path(base_dir, t["key_file"].get<std::string>());
    }
  }
  if (hc.control && hc.password_hash.empty()) {
    issues.push_back({"http.password_hash",
                      "is required when http.control is true (sunbridged --hash-password)"});
  }
  if (!h.contains("listen")) {
    if (hc.control) issues.push_back({"http.listen", "is required when http.control is true"});
    return;
  }
  const auto hp = transport::parse_host_port(h["listen"].get<std::string>(), 0);
  hc.enabled = true;
  hc.host = hp->host;
  hc.port = hp->port;
  if (!is_loopback_host(hc.host) && hc.tls_cert_file.empty()) {
    warnings.push_back("http.listen " + h["listen"].get<std::string>() +
                       " is reachable from the network without TLS: anyone on it can read the "
                       "dashboard" +
                       std::string(hc.control ? ", and the password crosses it in clear" : "") +
                       " (docs/dashboard.md)");
  }
}

}  // namespace sb::adapters
