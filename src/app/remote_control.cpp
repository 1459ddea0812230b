// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/remote_control.hpp"

#include <algorithm>

#include "sunbridge/adapters/desired_config.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/schema.hpp"
#include "sunbridge/domain/profile.hpp"
#include "sunbridge/protocol/register_map.hpp"

namespace sb::app {

using nlohmann::json;
using schema::Schema;

namespace {

constexpr const char* kComponent = "remote";
constexpr const char* kSeenKey = "remote.command_ids";
// Ids are remembered until they expire (max_validity); more live ids than this means a flood.
constexpr std::size_t kMaxLiveIds = 10000;
// Beyond this many rejections a minute they are only counted (a flood must not fill the disk).
constexpr int kMaxRejectionsPerMinute = 30;

std::string text_of(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

Schema args_schema(const std::string& name) {
  Schema until = Schema::string(1, 40);
  if (name == "param") {
    return Schema::object(
        {schema::required("param", Schema::any()), schema::required("value", Schema::any())});
  }
  if (name == "hold") {
    return Schema::object(
        {schema::optional("until", until), schema::optional("clear", Schema::boolean())});
  }
  if (name == "profile") {
    return Schema::object(
        {schema::optional("profile", Schema::string(1, 60)),
         schema::optional("weather", Schema::choice({"normal", "sunny", "rainy"})),
         schema::optional("until", until), schema::optional("clear", Schema::boolean())});
  }
  return Schema::object({});  // sync-clock, refresh: no arguments
}

}  // namespace

RemoteControl::RemoteControl(RemoteContext ctx) : ctx_(std::move(ctx)), store_(ctx_.history.db()) {
  if (auto stored = store_.get(kSeenKey); stored && *stored && (*stored)->is_object()) {
    seen_ids_ = **stored;
  }
  ctx_.cloud.subscribe("cmd/+", [this](const std::string& topic, const std::string& payload) {
    on_command(topic.substr(topic.rfind('/') + 1), payload);
  });
  ctx_.cloud.subscribe("config/desired", [this](const std::string&, const std::string& payload) {
    on_desired(payload);
  });
}

bool RemoteControl::seen(const std::string& id, WallTime now) {
  // Forget ids whose command has expired: an expired command is refused anyway.
  bool pruned = false;
  for (auto it = seen_ids_.begin(); it != seen_ids_.end();) {
    auto t = parse_iso8601_utc(it->is_string() ? it->get<std::string>() : "");
    if (!t || *t <= now) {
      it = seen_ids_.erase(it);
      pruned = true;
    } else {
      ++it;
    }
  }
  if (pruned) (void)store_.put(kSeenKey, seen_ids_, now);
  return seen_ids_.contains(id);
}

void RemoteControl::remember(const adapters::RemoteCommand& c, WallTime now) {
  // Stored before the command acts: a crash right after must not make it replayable.
  seen_ids_[c.id] = format_iso8601_utc(c.expires_at);
  if (Status s = store_.put(kSeenKey, seen_ids_, now); !s) {
    ctx_.log.error(kComponent, "cannot store the command id: " + s.error().describe());
  }
}

void RemoteControl::reject(const std::string& id, const std::string& role, const std::string& name,
                           const std::string& param, const std::string& reason) {
  const WallTime now = ctx_.clock.wall_now();
  if (now - minute_started_ >= std::chrono::minutes(1)) {
    if (rejections_this_minute_ > kMaxRejectionsPerMinute) {
      ctx_.log.warn(kComponent, std::to_string(rejections_this_minute_ - kMaxRejectionsPerMinute) +
                                    " more remote messages were rejected without a record");
    }
    minute_started_ = now;
    rejections_this_minute_ = 0;
  }
  if (++rejections_this_minute_ > kMaxRejectionsPerMinute) return;
  const std::string who = (id.empty() ? std::string("message") : "command " + id) +
                          (role.empty() ? "" : " (role " + role + ")");
  const std::string message = "remote " + name + " rejected: " + who + ": " + reason;
  // The audit log records every refused attempt at the inverter's settings.
  auto txn = store_.next_txn();
  adapters::AuditRow row{now,
                         txn ? *txn : 0,
                         param.empty() ? "cmd/" + name : param,
                         std::nullopt,
                         std::nullopt,
                         std::nullopt,
                         "remote",
                         "refused",
                         std::nullopt,
                         who + ": " + reason};
  if (Status s = store_.audit(row); !s) {
    ctx_.log.error(kComponent, "cannot write the audit log: " + s.error().describe());
  }
  Event e{now,
          "mqtt.command_rejected",
          Severity::kWarning,
          message,
          {{"command", name}, {"id", id}, {"role", role}, {"reason", reason}}};
  if (Status s = ctx_.history.record_event(e); !s) {
    ctx_.log.error(kComponent, "cannot store event: " + s.error().describe());
  }
  ctx_.log.warn(kComponent, message);
  ctx_.cloud.record_result({{"id", id.empty() ? json(nullptr) : json(id)},
                            {"cmd", name},
                            {"accepted", false},
                            {"reason", reason},
                            {"ts", format_iso8601_utc(now)}});
}

std::optional<json> RemoteControl::request_for(const adapters::RemoteCommand& c, std::string& why) {
  json args = c.args;
  if (auto issues = schema::validate(args_schema(c.name), args, "args"); !issues.empty()) {
    why = schema::format_issues(issues);
    while (!why.empty() && why.back() == '\n')
      why.pop_back();
    return std::nullopt;
  }
  const WallTime now = ctx_.clock.wall_now();
  const bool clear = args.value("clear", false);
  // A remote override is a lease: it ends by itself, so a silent cloud cannot leave the
  // inverter in a forced state.
  auto lease_end = [&]() -> std::optional<std::string> {
    if (!args.contains("until")) {
      why = "until is required (the override's end, ISO 8601 UTC)";
      return std::nullopt;
    }
    auto until = parse_iso8601_utc(args["until"].get<std::string>());
    if (!until) {
      why = "until is not an ISO 8601 UTC time";
    } else if (*until <= now) {
      why = "until is in the past";
    } else if (*until - now > ctx_.config.remote.max_lease) {
      why = "a remote override lasts at most " +
            std::to_string(ctx_.config.remote.max_lease.count()) +
            " h (mqtt.commands.max_lease_h): renew it before it ends instead";
    } else {
      return format_iso8601_utc(*until);
    }
    return std::nullopt;
  };
  if (c.name == "param") {
    const std::string lcd = protocol::normalize_lcd_id(text_of(args["param"]));
    if (!adapters::role_may_set(ctx_.config.remote, c.role, lcd)) {
      why = "role " + c.role + " may not set parameter " + lcd;
      return std::nullopt;
    }
    return json{
        {"cmd", "params.set"}, {"id", lcd}, {"value", text_of(args["value"])}, {"cause", "remote"}};
  }
  if (c.name == "hold" || c.name == "profile") {
    const std::string kind = c.name == "hold" ? "hold" : "pin";
    if (clear) return json{{"cmd", "override.clear"}, {"kind", kind}};
    auto until = lease_end();
    if (!until) return std::nullopt;
    json r = {{"cmd", "override.set"}, {"kind", kind}, {"until", *until}};
    if (kind == "pin") {
      if (!args.contains("profile")) {
        why = "profile is required (or clear: true)";
        return std::nullopt;
      }
      r["profile"] = args["profile"];
      r["weather"] = args.value("weather", "normal");
    }
    return r;
  }
  if (c.name == "sync-clock") return json{{"cmd", "clock.sync"}};
  if (c.name == "refresh") return json{{"cmd", "refresh"}};
  why = "unknown command";
  return std::nullopt;
}

void RemoteControl::on_command(const std::string& name, const std::string& payload) {
  if (name == "result") return;  // our own answers, echoed by the broker
  const WallTime now = ctx_.clock.wall_now();
  auto check =
      adapters::check_command(name, payload, ctx_.cloud.device_id(), ctx_.config.remote, now);
  std::string param;
  if (check.command && name == "param" && check.command->args.contains("param")) {
    param = protocol::normalize_lcd_id(text_of(check.command->args["param"]));
  }
  if (!ctx_.time.trusted()) {
    // Expiry, replay windows and leases are all judged on the clock: a wrong one could run a
    // stale command or refuse a good one for the wrong reason. Say the real reason.
    reject(check.id, check.role, name, param, ctx_.time.refusal());
    return;
  }
  if (!check.command) {
    reject(check.id, check.role, name, param, check.reason);
    return;
  }
  const adapters::RemoteCommand& c = *check.command;
  if (seen(c.id, now)) {
    reject(c.id, c.role, name, param, "replayed id (already received)");
    return;
  }
  if (seen_ids_.size() >= kMaxLiveIds) {
    reject(c.id, c.role, name, param, "too many live command ids: wait for some to expire");
    return;
  }
  std::string why;
  auto request = request_for(c, why);
  if (!request) {
    reject(c.id, c.role, name, param, why);
    return;
  }
  remember(c, now);
  ctx_.log.info(kComponent, "remote " + name + " " + c.id + " (role " + c.role + ") accepted");
  std::vector<std::string> ids = domain::profile_parameters();
  if (!param.empty() && std::find(ids.begin(), ids.end(), param) == ids.end()) {
    ids.push_back(param);
  }
  ctx_.dispatch(*request, [this, c, ids](const json& reply) {
    const bool ok = reply.value("ok", false);
    json result = {{"id", c.id},
                   {"cmd", c.name},
                   {"role", c.role},
                   {"accepted", ok},
                   {"reason", ok ? std::string() : reply.value("error", std::string("failed"))},
                   {"ts", format_iso8601_utc(ctx_.clock.wall_now())}};
    json details = reply;
    details.erase("ok");
    details.erase("error");
    if (c.name == "hold" || c.name == "profile") {
      // The override state, not the whole profile report.
      json brief = {{"overrides", reply.value("overrides", json::object())}};
      if (reply.contains("selection")) brief["selection"] = reply["selection"];
      details = brief;
    }
    result["details"] = details;
    // Every accepted command leaves a trace, whatever its outcome.
    Event e{ctx_.clock.wall_now(),
            ok ? "mqtt.command" : "mqtt.command_failed",
            ok ? Severity::kInfo : Severity::kWarning,
            "remote " + c.name + " " + c.id + " (role " + c.role + ")" +
                (ok ? std::string(" done") : ": " + result["reason"].get<std::string>()),
            {{"command", c.name}, {"id", c.id}, {"role", c.role}, {"args", c.args.dump()}}};
    if (Status s = ctx_.history.record_event(e); !s) {
      ctx_.log.error(kComponent, "cannot store event: " + s.error().describe());
    }
    answer(std::move(result), ids);
  });
}

void RemoteControl::on_desired(const std::string& payload) {
  if (payload.empty()) return;  // the retained document was cleared
  const WallTime now = ctx_.clock.wall_now();
  if (last_rejected_desired_ && *last_rejected_desired_ == payload) return;  // answered already
  if (!ctx_.time.trusted()) {
    // Kept, not refused: the broker delivers a retained document only once per subscription,
    // so it is applied when the clock is synchronised (on_clock_synced).
    if (!held_desired_ || *held_desired_ != payload) {
      ctx_.log.warn(kComponent, "the desired configuration waits: " + ctx_.time.refusal());
    }
    held_desired_ = payload;
    return;
  }
  auto check = adapters::check_desired(payload, ctx_.cloud.device_id(), ctx_.config.remote, now);
  const std::string id = "config/desired@" + std::to_string(check.version);
  auto refuse = [&](const std::string& reason) {
    last_rejected_desired_ = payload;
    reject(check.version > 0 ? id : "", check.role, "config", "config/desired", reason);
  };
  if (!check.document) {
    refuse(check.reason);
    return;
  }
  schema::Issues issues;
  auto desired = adapters::parse_desired(*check.document, issues);
  const auto& applied = ctx_.settings.desired();
  if (applied && check.version <= applied->version) {
    if (check.version == applied->version && desired && desired->document == applied->document) {
      return;  // the retained document again (every reconnect)
    }
    refuse(check.version == applied->version
               ? "version " + std::to_string(check.version) +
                     " is already applied with other content: use a higher version"
               : "version " + std::to_string(check.version) + " is older than the applied " +
                     std::to_string(applied->version));
    return;
  }
  if (!desired) {
    std::string reason;
    for (const auto& i : issues)
      reason += (reason.empty() ? "" : "; ") + (i.path.empty() ? "" : i.path + ": ") + i.message;
    refuse(reason);
    return;
  }
  std::vector<std::string> ids = domain::profile_parameters();
  for (const auto& [lcd, v] : desired->values)
    ids.push_back(lcd);
  for (const auto& [lcd, v] : desired->values) {
    if (!adapters::role_may_set(ctx_.config.remote, check.role, lcd)) {
      refuse("role " + check.role + " may not set parameter " + lcd);
      return;
    }
  }
  const std::int64_t version = check.version;
  const std::string role = check.role;
  ctx_.log.info(kComponent, "desired configuration version " + std::to_string(version) + " (role " +
                                role + ") received");
  ctx_.settings.apply_desired(
      std::move(*desired), [this, id, version, role, ids, payload](const json& reply) {
        const bool ok = reply.value("ok", false);
        json result = {{"id", id},
                       {"cmd", "config"},
                       {"version", version},
                       {"role", role},
                       {"accepted", ok},
                       {"reason", ok ? std::string() : reply.value("error", std::string("failed"))},
                       {"ts", format_iso8601_utc(ctx_.clock.wall_now())}};
        if (reply.contains("steps")) result["details"] = {{"steps", reply["steps"]}};
        if (!ok) {
          last_rejected_desired_ = payload;
          reject(id, role, "config", "config/desired", result["reason"].get<std::string>());
          return;  // reject() answered
        }
        last_rejected_desired_.reset();
        answer(std::move(result), ids);
      });
}

void RemoteControl::on_clock_synced() {
  if (!held_desired_) return;
  std::string payload = std::move(*held_desired_);
  held_desired_.reset();
  on_desired(payload);
}

void RemoteControl::answer(json result, std::vector<std::string> readback_ids) {
  ctx_.dispatch({{"cmd", "params.read"}, {"ids", readback_ids}},
                [this, result = std::move(result)](const json& read) mutable {
                  result["readback"] = read.value("values", json::object());
                  if (read.contains("ts")) result["readback_ts"] = read["ts"];
                  if (read.contains("errors")) result["readback_errors"] = read["errors"];
                  ctx_.cloud.record_result(result);
                  publish_reported();
                });
}

void RemoteControl::publish_reported() {
  json reported = ctx_.settings.reported_json();
  const std::string key = reported.dump();
  if (key == last_reported_) return;
  last_reported_ = key;
  reported["ts"] = format_iso8601_utc(ctx_.clock.wall_now());
  ctx_.cloud.publish_state("settings/reported", reported.dump());
}

}  // namespace sb::app
