// SPDX-License-Identifier: Apache-2.0
// The settings controller's control-socket commands (sunbridge profile / params set / audit /
// override). Every write they cause goes through SettingsController::submit().
#include <algorithm>

#include "sunbridge/adapters/profile_json.hpp"
#include "sunbridge/app/read_period.hpp"
#include "sunbridge/app/settings_controller.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/protocol/register_codec.hpp"

namespace sb::app {

using nlohmann::json;

namespace {

json fail(const std::string& why) {
  return {{"ok", false}, {"error", why}};
}

constexpr auto kMaxOverride = std::chrono::hours(24 * 90);

}  // namespace

bool SettingsController::handle(const std::string& cmd, const json& request,
                                adapters::IpcServer::Reply reply) {
  if (cmd == "profile.show") {
    reply(show_json());
  } else if (cmd == "profile.plan") {
    reply(plan_json(request));
  } else if (cmd == "profile.apply") {
    const WallTime now = ctx_.clock.wall_now();
    const domain::Selection sel = evaluate(now);
    if (sel.hold) {
      reply(fail(sel.hold_until ? "on hold until " + format_local(*sel.hold_until) +
                                      " (sunbridge override clear hold)"
                                : sel.reason));
      return true;
    }
    const bool dry_run = request.value("dry_run", false);
    submit(Change{request.value("cause", "cli"), sel.values, sel.reason, sel.key(), sel.values,
                  dry_run, std::move(reply)});
  } else if (cmd == "params.set") {
    params_set(request, std::move(reply));
  } else if (cmd == "params.read") {
    params_read(request, std::move(reply));
  } else if (cmd == "clock.sync") {
    // Asked for explicitly (sunbridge / a remote sync-clock): no skew threshold, no rate limit,
    // but the local configuration may forbid it.
    if (!ctx_.config.settings.clock_sync) {
      reply(fail("clock sync is disabled in the local configuration (settings.clock.sync)"));
    } else if (!ctx_.time.trusted()) {
      reply(fail("the inverter clock is not set from " + ctx_.time.refusal()));
    } else if (clock_in_flight_) {
      reply(fail("a clock sync is already in progress"));
    } else {
      sync_clock(clock_skew_s(ctx_.clock.wall_now()), std::move(reply));
    }
  } else if (cmd == "audit") {
    reply(audit_json(request));
  } else if (cmd == "override.set") {
    reply(override_set(request));
  } else if (cmd == "override.clear") {
    reply(override_clear(request));
  } else {
    return false;
  }
  return true;
}

json SettingsController::show_json() {
  const WallTime now = ctx_.clock.wall_now();
  const domain::Selection sel = evaluate(now);
  json out = {{"ok", true},
              {"mode", auto_mode() ? std::string("auto") : profile_->name()},
              {"profiles", library_.names()},
              {"selection", adapters::selection_to_json(sel)},
              {"applied", applied_},
              {"last_written", last_written_},
              {"overrides", adapters::overrides_to_json(overrides_)},
              {"apply", ctx_.config.settings.apply}};
  if (auto cur = current(domain::profile_parameters(), now)) {
    out["inverter"] = adapters::settings_to_json(*cur);
  }
  auto next = domain::plan(selection_input(now), std::chrono::hours(24 * 366), 2);
  if (next.size() > 1) out["next_change"] = adapters::plan_to_json({next[1]})[0];
  if (forecast_) {
    out["forecast"] = adapters::forecast_to_json(*forecast_);
  } else {
    out["forecast"] = nullptr;
  }
  out["weather_provider"] = ctx_.config.profiles.weather.provider;
  if (auto_mode()) {
    // The table's calendar is not what happens next: the next change is the evening's choice.
    out.erase("next_change");
    out["auto"] = auto_choice_;
    out["auto_decides_at"] = format_time_of_day(ctx_.config.profiles.auto_mode.decide_at);
  }
  if (auto used = store_.usage(today(now))) {
    out["budget"] = {{"used_today", used->total},
                     {"per_parameter", used->per_parameter},
                     {"total_per_day", ctx_.config.settings.budget.total_per_day},
                     {"per_parameter_per_day", ctx_.config.settings.budget.per_parameter_per_day}};
  }
  return out;
}

json SettingsController::plan_json(const json& request) {
  const int days = request.value("days", 30);
  if (days < 1 || days > 400) return fail("days must be 1-400");
  const WallTime now = ctx_.clock.wall_now();
  auto entries = domain::plan(selection_input(now), std::chrono::hours(24 * days));
  json out = {{"ok", true},
              {"mode", profile_->name()},
              {"days", days},
              {"plan", adapters::plan_to_json(entries)}};
  if (auto_mode()) {
    out["note"] = "automatic mode chooses every evening; this is the " + profile_->name() +
                  " calendar it starts from and compares with";
  }
  return out;
}

json SettingsController::audit_json(const json& request) {
  const WallTime now = ctx_.clock.wall_now();
  auto period = read_period(request, now, std::chrono::hours(24 * 30),
                            std::chrono::hours(24 * 366 * 100));  // the audit is kept
  if (!period) return fail(period.error().detail);
  auto rows = store_.audit_since(period->since, std::clamp(request.value("limit", 1000), 1, 10000));
  if (!rows) return fail(rows.error().describe());
  json out = json::array();
  for (const auto& r : *rows) {
    if (period->until < now && r.ts >= period->until) continue;
    json j = {{"ts", format_iso8601_utc(r.ts)},
              {"ts_local", format_local(r.ts)},
              {"txn", r.txn},
              {"param", r.param},
              {"cause", r.cause},
              {"result", r.result},
              {"reason", r.reason}};
    j["register"] = r.address ? json(*r.address) : json(nullptr);
    j["old"] = r.old_value ? json(*r.old_value) : json(nullptr);
    j["new"] = r.new_value ? json(*r.new_value) : json(nullptr);
    j["readback"] = r.readback ? json(*r.readback) : json(nullptr);
    out.push_back(std::move(j));
  }
  return {{"ok", true}, {"audit", out}};
}

void SettingsController::params_set(const json& request, adapters::IpcServer::Reply reply) {
  const std::string id = protocol::normalize_lcd_id(request.value("id", ""));
  const protocol::RegisterRow* row = id.empty() ? nullptr : ctx_.map.find_lcd(id);
  if (row == nullptr) {
    reply(fail("no LCD parameter '" + request.value("id", "") + "' in the register map"));
    return;
  }
  if (!row->writable() || row->group != protocol::Group::kSettings) {
    reply(fail("parameter " + id + " is not a writable setting"));
    return;
  }
  auto value = protocol::parse_user_value(*row, request.value("value", ""));
  if (!value) {
    reply(fail("parameter " + id + ": " + value.error().describe()));
    return;
  }
  const std::string cause = request.value("cause", "cli");
  if (cause != "cli" && cause != "remote" && cause != "web") {
    reply(fail("cause must be cli, remote or web"));
    return;
  }
  std::string reason = "sunbridge params set " + id + " " + request.value("value", "");
  if (std::find(domain::profile_parameters().begin(), domain::profile_parameters().end(), id) !=
      domain::profile_parameters().end()) {
    reason += " (the profile replaces it at its next change)";
  }
  submit(Change{cause,
                {{id, *value}},
                reason,
                std::nullopt,
                {},
                request.value("dry_run", false),
                std::move(reply)});
}

void SettingsController::params_read(const json& request, adapters::IpcServer::Reply reply) {
  std::vector<const protocol::RegisterRow*> rows;
  std::vector<std::string> ids;
  if (request.contains("ids") && request["ids"].is_array()) {
    for (const auto& id : request["ids"]) {
      if (id.is_string()) ids.push_back(protocol::normalize_lcd_id(id.get<std::string>()));
    }
  } else {
    ids = domain::profile_parameters();
  }
  for (const std::string& id : ids) {
    const protocol::RegisterRow* row = ctx_.map.find_lcd(id);
    if (row == nullptr) {
      reply(fail("no LCD parameter '" + id + "' in the register map"));
      return;
    }
    rows.push_back(row);
  }
  // Queued behind whatever the bus is doing (a transaction just submitted included), so the
  // values are those after it.
  ctx_.bus.submit([this, rows, reply] {
    json values = json::object();
    json errors = json::object();
    const protocol::DecodeContext dctx = ctx_.link.decode_context();
    for (const protocol::RegisterRow* row : rows) {
      auto words = ctx_.link.read_registers(row->address, row->length);
      if (!words) {
        values[row->name] = nullptr;
        errors[row->name] = words.error().describe();
        continue;
      }
      auto v = protocol::decode(*row, *words, dctx);
      values[row->name] = v ? adapters::setting_to_json(*v) : json(nullptr);
      if (!v) errors[row->name] = v.error().describe();
    }
    const std::string ts = format_iso8601_utc(ctx_.clock.wall_now());
    ctx_.loop.post([reply, values, errors, ts] {
      json out = {{"ok", errors.empty()}, {"values", values}, {"ts", ts}};
      if (!errors.empty()) out["errors"] = errors;
      reply(out);
    });
  });
}

json SettingsController::override_set(const json& request) {
  const WallTime now = ctx_.clock.wall_now();
  const std::string kind = request.value("kind", "");
  auto until_of = [&](const char* key) -> std::optional<WallTime> {
    if (!request.contains(key) || !request[key].is_string()) return std::nullopt;
    return parse_until(request[key].get<std::string>(), now);
  };
  if (kind == "hold" || kind == "pin") {
    auto until = until_of("until");
    if (!until) return fail(kind + " needs --until (a time, a date or a duration like 12h)");
    if (*until <= now) return fail("until is in the past");
    if (*until - now > kMaxOverride) return fail("an override lasts at most 90 days");
    if (kind == "hold") {
      overrides_.hold = domain::Overrides::Hold{*until};
    } else {
      const std::string name = request.value("profile", "");
      if (library_.find(name) == nullptr) {
        return fail("no profile named '" + name + "' (available: " + [&] {
          std::string s;
          for (const auto& n : library_.names())
            s += (s.empty() ? "" : ", ") + n;
          return s;
        }() + ")");
      }
      auto weather = domain::weather_mode_from(request.value("weather", "normal"));
      if (!weather) return fail("weather must be normal, sunny or rainy");
      if (weather != domain::WeatherMode::kNormal &&
          library_.find(name)->find(to_local_civil(now).month, *weather) == nullptr) {
        return fail("profile " + name + " has no " + domain::to_string(*weather) + " rows");
      }
      overrides_.pin = domain::Overrides::Pin{name, *weather, *until};
    }
  } else if (kind == "away") {
    auto from = domain::parse_date(request.value("from", ""));
    auto to = domain::parse_date(request.value("to", ""));
    if (!from || !to) return fail("away needs --from and --to dates (YYYY-MM-DD)");
    if (std::chrono::sys_days(*to) < std::chrono::sys_days(*from)) return fail("to is before from");
    const domain::Date today = domain::local_date(now);
    if (std::chrono::sys_days(*to) < std::chrono::sys_days(today))
      return fail("the absence is over");
    if (std::chrono::sys_days(*to) - std::chrono::sys_days(today) > std::chrono::days(90)) {
      return fail("an override lasts at most 90 days");
    }
    // The guide's rule: an absence of 3 days or more uses the energy-saving (sunny) row. Said
    // here, before it is accepted, when it would change nothing.
    const domain::WeatherPolicy policy = rules();
    const auto days = (std::chrono::sys_days(*to) - std::chrono::sys_days(*from)).count() + 1;
    if (days < policy.away_min_days) {
      return fail("an absence of " + std::to_string(days) + " day" + (days == 1 ? "" : "s") +
                  " changes nothing: the energy-saving row is used for absences of " +
                  std::to_string(policy.away_min_days) + " days or more");
    }
    const domain::SelectionInput input = selection_input(now);
    if (domain::away_profile(input, static_cast<int>(static_cast<unsigned>(from->month()))) ==
        nullptr) {
      return fail("neither " + profile_->name() + " nor " + policy.away_profile +
                  " has an energy-saving (sunny) row for that month: the absence would change "
                  "nothing");
    }
    overrides_.away = domain::Overrides::Away{*from, *to};
  } else {
    return fail("kind must be hold, away or pin");
  }
  persist_overrides();
  run_schedule(now);
  json out = show_json();
  if (kind == "away") out["effect"] = away_effect(now);
  return out;
}

json SettingsController::away_effect(WallTime now) const {
  // The settings serve the day after 07:00 (domain::served_day): an absence from day D is
  // served from 07:00 the day before.
  const domain::Date eve{std::chrono::sys_days(overrides_.away->from) - std::chrono::days(1)};
  WallTime at = domain::local_time_on(eve, 7).value_or(now);
  if (at < now) at = now;
  domain::SelectionInput input = selection_input(at);
  const domain::Selection sel = domain::select(input);
  return {{"from", format_local(at)},
          {"key", sel.key()},
          {"values", adapters::settings_to_json(sel.values)},
          {"reason", sel.reason}};
}

json SettingsController::override_clear(const json& request) {
  const std::string kind = request.value("kind", "all");
  if (kind == "hold" || kind == "all") overrides_.hold.reset();
  if (kind == "away" || kind == "all") overrides_.away.reset();
  if (kind == "pin" || kind == "all") overrides_.pin.reset();
  if (kind != "hold" && kind != "away" && kind != "pin" && kind != "all") {
    return fail("kind must be hold, away, pin or all");
  }
  persist_overrides();
  run_schedule(ctx_.clock.wall_now());
  return show_json();
}

}  // namespace sb::app
