// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/web/requests.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include "sunbridge/core/text.hpp"
#include "sunbridge/domain/forecast.hpp"

namespace sb::adapters::web {

using nlohmann::json;

namespace {

bool listed(std::string_view key, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

// Each endpoint names the parameters it takes: anything else is a mistake worth saying.
Status only_known(const Query& q, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : q) {
    if (!listed(key, known)) return Error::invalid("unknown parameter '" + key.substr(0, 40) + "'");
    if (q.count(key) > 1) return Error::invalid("parameter '" + key + "' given twice");
  }
  return {};
}

const std::string* get(const Query& q, const std::string& key) {
  auto it = q.find(key);
  return it == q.end() ? nullptr : &it->second;
}

// A time as the CLI takes it (an ISO date or time, "24h", "yesterday"): printable and short;
// the daemon parses it and says what it expected when it cannot.
Result<std::string> when(const Query& q, const std::string& key) {
  const std::string* v = get(q, key);
  if (v == nullptr) return std::string();
  if (v->empty() || v->size() > 40) return Error::invalid(key + ": expected a date or time");
  for (char c : *v) {
    if (c < 0x20 || c > 0x7e) return Error::invalid(key + ": expected a date or time");
  }
  return *v;
}

Status add_period(const Query& q, json& request) {
  for (const char* key : {"since", "until"}) {
    auto t = when(q, key);
    if (!t) return t.error();
    if (!t->empty()) request[key] = *t;
  }
  return {};
}

bool is_point_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Result<json> parse_body(std::string_view body) {
  if (body.size() > 4096) return Error::invalid("request body too large");
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::invalid("expected a JSON object");
  return j;
}

Result<std::string> text_field(const json& j, const char* key, std::size_t max_len,
                               bool required = true) {
  if (!j.contains(key)) {
    if (required) return Error::invalid(std::string("missing \"") + key + "\"");
    return std::string();
  }
  if (!j[key].is_string()) return Error::invalid(std::string("\"") + key + "\" must be a string");
  std::string s = j[key].get<std::string>();
  if (s.size() > max_len) return Error::invalid(std::string("\"") + key + "\" is too long");
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return Error::invalid(std::string("\"") + key + "\": bad character");
  }
  return s;
}

Status only_fields(const json& j, std::initializer_list<std::string_view> known) {
  for (const auto& [key, _] : j.items()) {
    if (!listed(key, known)) return Error::invalid("unknown field \"" + key.substr(0, 40) + "\"");
  }
  return {};
}

}  // namespace

Result<json> history_request(const Query& q) {
  if (auto s = only_known(q, {"points", "since", "until", "max_points", "resolution"}); !s) {
    return s.error();
  }
  json request = {{"cmd", "history"}};
  if (auto s = add_period(q, request); !s) return s.error();
  if (const std::string* p = get(q, "points")) {
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (const std::string& name : split(*p, ',')) {
      if (!is_point_name(name)) {
        return Error::invalid("points: '" + name.substr(0, 64) +
                              "' is not a point name (like battery.soc)");
      }
      if (seen.insert(name).second) names.push_back(name);
      if (names.size() > kMaxHistoryPoints) {
        return Error::invalid("points: at most " + std::to_string(kMaxHistoryPoints));
      }
    }
    request["points"] = names;
  }
  std::size_t max_points = kDefaultChartPoints;
  if (const std::string* m = get(q, "max_points")) {
    const auto n = parse_whole_number<std::size_t>(*m);
    if (!n || *n < 2 || *n > kMaxChartPoints) {
      return Error::invalid("max_points: expected a whole number from 2 to " +
                            std::to_string(kMaxChartPoints));
    }
    max_points = *n;
  }
  request["max_points"] = max_points;
  if (const std::string* r = get(q, "resolution")) {
    static const std::set<std::string> kResolutions = {"auto", "raw", "1m", "15m", "1d"};
    if (kResolutions.count(*r) == 0) {
      return Error::invalid("resolution: expected auto, raw, 1m, 15m or 1d");
    }
    request["resolution"] = *r;
  }
  return request;
}

Result<json> events_request(const Query& q) {
  if (auto s = only_known(q, {"since", "until"}); !s) return s.error();
  json request = {{"cmd", "events"}};
  if (auto s = add_period(q, request); !s) return s.error();
  return request;
}

Result<json> audit_request(const Query& q) {
  if (auto s = only_known(q, {"since"}); !s) return s.error();
  json request = {{"cmd", "audit"}};
  if (auto s = add_period(q, request); !s) return s.error();
  return request;
}

namespace {

Result<json> dated(const Query& q, const char* cmd, const char* kind_key,
                   std::initializer_list<std::string_view> kinds) {
  if (auto s = only_known(q, {kind_key, "date"}); !s) return s.error();
  json request = {{"cmd", cmd}};
  if (const std::string* k = get(q, kind_key)) {
    bool ok = false;
    std::string list;
    for (auto kind : kinds) {
      ok = ok || *k == kind;
      list += (list.empty() ? "" : ", ") + std::string(kind);
    }
    if (!ok) return Error::invalid(std::string(kind_key) + ": expected " + list);
    request[kind_key] = *k;
  }
  if (const std::string* d = get(q, "date")) {
    if (!domain::parse_date(*d)) return Error::invalid("date: expected YYYY-MM-DD");
    request["date"] = *d;
  }
  return request;
}

}  // namespace

Result<json> chart_request(const Query& q) {
  return dated(q, "plot", "kind", {"day", "week", "month"});
}

Result<json> report_request(const Query& q) {
  return dated(q, "report", "period", {"day", "week", "month", "year"});
}

Result<json> param_request(std::string_view body) {
  auto j = parse_body(body);
  if (!j) return j.error();
  if (auto s = only_fields(*j, {"id", "value"}); !s) return s.error();
  auto id = text_field(*j, "id", 3);
  if (!id) return id.error();
  auto value = text_field(*j, "value", 24);
  if (!value) return value.error();
  return json{{"cmd", "params.set"}, {"id", *id}, {"value", *value}, {"cause", "web"}};
}

Result<json> override_request(std::string_view body) {
  auto j = parse_body(body);
  if (!j) return j.error();
  if (auto s = only_fields(*j, {"kind", "profile", "weather", "until"}); !s) return s.error();
  auto kind = text_field(*j, "kind", 8);
  if (!kind) return kind.error();
  if (*kind == "clear") return json{{"cmd", "override.clear"}, {"kind", "all"}};
  if (*kind != "hold" && *kind != "pin") return Error::invalid("\"kind\": hold, pin or clear");
  json request = {{"cmd", "override.set"}, {"kind", *kind}};
  for (const char* key : {"profile", "weather", "until"}) {
    auto v = text_field(*j, key, 64, false);
    if (!v) return v.error();
    if (!v->empty()) request[key] = *v;
  }
  return request;
}

Result<std::string> login_password(std::string_view body) {
  auto j = parse_body(body);
  if (!j) return j.error();
  if (auto s = only_fields(*j, {"password"}); !s) return s.error();
  if (!j->contains("password") || !(*j)["password"].is_string()) {
    return Error::invalid("missing \"password\"");
  }
  std::string pw = (*j)["password"].get<std::string>();
  if (pw.empty() || pw.size() > 256) return Error::invalid("\"password\": 1 to 256 characters");
  return pw;
}

std::optional<std::uint64_t> parse_last_event_id(std::string_view text) {
  if (text.size() > 20) return std::nullopt;
  return parse_whole_number<std::uint64_t>(text);
}

json downsample_history(json reply, std::size_t max_points) {
  if (!reply.is_object() || !reply.contains("rows") || !reply["rows"].is_array()) return reply;
  const json& rows = reply["rows"];
  const std::size_t n = rows.size();
  if (max_points < 1 || n <= max_points) return reply;
  json out = json::array();
  for (std::size_t b = 0; b < max_points; ++b) {
    // Bucket b holds rows [n*b/max, n*(b+1)/max): every row in exactly one bucket.
    const std::size_t first = n * b / max_points;
    const std::size_t last = n * (b + 1) / max_points;
    if (first >= last) continue;
    const json& head = rows[first];
    if (!head.is_array() || head.empty()) continue;
    json row = json::array({head[0]});
    for (std::size_t c = 1; c < head.size(); ++c) {
      double sum = 0;
      std::size_t count = 0;
      json text;
      for (std::size_t r = first; r < last; ++r) {
        if (!rows[r].is_array() || c >= rows[r].size()) continue;
        const json& v = rows[r][c];
        if (v.is_number()) {
          sum += v.get<double>();
          ++count;
        } else if (v.is_string()) {
          text = v;
        }
      }
      row.push_back(count > 0 ? json(sum / static_cast<double>(count)) : text);
    }
    out.push_back(std::move(row));
  }
  reply["rows"] = std::move(out);
  // The min/max/delta rows of a tier no longer line up with the averaged rows.
  reply.erase("rows_min");
  reply.erase("rows_max");
  reply.erase("rows_delta");
  reply["downsampled_from"] = n;
  return reply;
}

}  // namespace sb::adapters::web
