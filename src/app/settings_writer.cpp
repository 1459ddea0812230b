// SPDX-License-Identifier: Apache-2.0
// The settings controller: the one path to the inverter: interlocks, budget, one transaction on the
// bus, audit.
#include "sunbridge/app/settings_controller.hpp"

#include <cmath>

#include "sunbridge/adapters/profile_json.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/text.hpp"
#include "sunbridge/domain/interlocks.hpp"
#include "sunbridge/protocol/register_codec.hpp"

namespace sb::app {

using nlohmann::json;

namespace {

constexpr const char* kComponent = "settings";

// What the bus job reports back besides the transaction itself.
struct JobOutcome {
  device::TransactionReport report;
  std::vector<std::string> old_texts;       // per step, in the LCD's unit
  std::vector<std::string> readback_texts;  // per step, "" when not read
  // What the transaction last read of each register (the read-back, else the fresh read): the
  // inverter's values now, for the point store at once instead of at the next settings poll.
  std::vector<Point> fresh;
};

std::string decode_text(const protocol::RegisterRow& row,
                        const std::optional<std::vector<std::uint16_t>>& words,
                        const protocol::DecodeContext& ctx) {
  if (!words) return "";
  auto v = protocol::decode(row, *words, ctx);
  return v ? domain::format_setting(*v) : "raw " + std::to_string((*words)[0]);
}

}  // namespace

void SettingsController::refuse(const Change& change, const std::string& reason,
                                const std::string& result) {
  const WallTime now = ctx_.clock.wall_now();
  auto txn = store_.next_txn();
  std::vector<adapters::AuditRow> rows;
  auto cur = current(
      [&] {
        std::vector<std::string> ids;
        for (const auto& [lcd, v] : change.targets)
          ids.push_back(lcd);
        return ids;
      }(),
      now);
  for (const auto& [lcd, v] : change.targets) {
    const protocol::RegisterRow* row = ctx_.map.find_lcd(lcd);
    std::optional<std::string> old;
    if (cur) old = domain::format_setting(cur->at(lcd));
    rows.push_back({now, txn ? *txn : 0, lcd, row ? std::optional<int>(row->address) : std::nullopt,
                    old, domain::format_setting(v), change.cause, result, std::nullopt, reason});
  }
  if (!change.dry_run) (void)store_.audit(rows);
  ctx_.log.warn(kComponent, "settings change (" + change.cause + ") refused: " + reason);
  if (change.reply) change.reply({{"ok", false}, {"refused", true}, {"error", reason}});
}

void SettingsController::submit(Change change) {
  if (busy_) {
    if (change.reply) queued_.push_back(std::move(change));
    return;  // scheduled work is re-evaluated at the next settings poll
  }
  const WallTime now = ctx_.clock.wall_now();
  // Every target must be a writable setting of the map (encode() checks its range later).
  for (const auto& [lcd, v] : change.targets) {
    const protocol::RegisterRow* row = ctx_.map.find_lcd(lcd);
    if (row == nullptr || !row->writable() || row->group != protocol::Group::kSettings) {
      refuse(change, "parameter " + lcd + " is not a writable setting", "refused");
      return;
    }
  }
  // Interlocks on the values the inverter would hold afterwards.
  domain::SettingValues after;
  for (const char* lcd : {"07", "58", "59", "60", "61", "62"}) {
    if (auto cur = current({lcd}, now)) after[lcd] = cur->at(lcd);
  }
  std::vector<std::string> changing;
  for (const auto& [lcd, v] : change.targets) {
    after[lcd] = v;
    changing.push_back(lcd);
  }
  domain::InterlockLimits limits;
  limits.bank_charge_limit_a = ctx_.config.settings.bank_charge_limit_a;
  // The BMS's charge current limit as the inverter reports it (0x0115); 0 means no BMS data.
  if (auto p = ctx_.points.get("inverter.bms.charge_current_limit", now);
      p && p->quality == Quality::kOk) {
    if (const double* d = std::get_if<double>(&p->value); d != nullptr && *d > 0) {
      if (!limits.bank_charge_limit_a || *d < *limits.bank_charge_limit_a) {
        limits.bank_charge_limit_a = *d;
      }
    }
  }
  if (auto problems = domain::check_interlocks(after, limits, changing); !problems.empty()) {
    const std::string reason = join(problems, "; ");
    if (!change.dry_run) {
      raise("settings.refused", Severity::kWarning,
            "settings change (" + change.cause + ") refused: " + reason);
    }
    refuse(change, reason, "refused");
    return;
  }
  // The budget's allowance is checked by the transaction against what really differs.
  device::TransactionOptions options;
  options.settle = ctx_.config.settings.settle;
  options.dry_run = change.dry_run;
  auto used = store_.usage(today(now));
  if (!used) {
    refuse(change, "cannot read the write budget: " + used.error().describe(), "refused");
    return;
  }
  const domain::BudgetPolicy& policy = ctx_.config.settings.budget;
  options.allowance.total = std::max(0, policy.total_per_day - used->total);
  for (const auto& [lcd, v] : change.targets) {
    auto it = used->per_parameter.find(lcd);
    options.allowance.per_param[lcd] = std::max(
        0, policy.per_parameter_per_day - (it == used->per_parameter.end() ? 0 : it->second));
  }

  busy_ = true;
  ctx_.bus.submit([this, change, options, now] {
    JobOutcome out;
    const protocol::DecodeContext dctx = ctx_.link.decode_context();
    std::vector<device::RegisterWrite> writes;
    std::vector<const protocol::RegisterRow*> rows;
    // Write order: LCD id ascending (the map's order), the same every time.
    for (const auto& [lcd, v] : change.targets) {
      const protocol::RegisterRow* row = ctx_.map.find_lcd(lcd);
      auto words = protocol::encode(*row, v, dctx);
      if (!words) {
        out.report.refused = true;
        out.report.reason = "parameter " + lcd + ": " + words.error().describe();
        break;
      }
      writes.push_back({lcd, row->address, *words});
      rows.push_back(row);
    }
    if (!out.report.refused) {
      out.report = device::run_settings_transaction(ctx_.link, writes, options);
      for (std::size_t i = 0; i < out.report.steps.size(); ++i) {
        out.old_texts.push_back(decode_text(*rows[i], out.report.steps[i].before, dctx));
        out.readback_texts.push_back(decode_text(*rows[i], out.report.steps[i].readback, dctx));
        const auto& st = out.report.steps[i];
        const auto& words = st.readback ? st.readback : st.before;
        if (!words || change.dry_run) continue;
        if (auto v = protocol::decode(*rows[i], *words, dctx)) {
          out.fresh.push_back(
              Point{rows[i]->name, *v, rows[i]->unit, Quality::kOk, ctx_.clock.wall_now(), ""});
        }
      }
    }
    ctx_.loop.post([this, change, out, now]() mutable {
      // As fresh as a settings poll, and aged like one.
      const auto max_age = ctx_.config.inverter.max_age(protocol::Group::kSettings);
      for (Point& p : out.fresh)
        ctx_.points.set(std::move(p), max_age);
      finish(std::move(change), std::move(out.report), std::move(out.old_texts),
             std::move(out.readback_texts), now);
    });
  });
}

void SettingsController::finish(Change change, device::TransactionReport report,
                                std::vector<std::string> old_texts,
                                std::vector<std::string> readback_texts, WallTime started) {
  busy_ = false;
  const WallTime now = ctx_.clock.wall_now();
  json steps = json::array();
  for (std::size_t i = 0; i < report.steps.size(); ++i) {
    const device::WriteStep& st = report.steps[i];
    const PointValue& target = change.targets.at(st.target.param);
    json j = {{"param", st.target.param},
              {"register", protocol::format_address(st.target.address)},
              {"old", old_texts[i]},
              {"new", domain::format_setting(target)},
              {"result", device::to_string(st.result)},
              {"writes", st.frames_written}};
    if (st.readback) j["readback"] = readback_texts[i];
    if (!st.error.empty()) j["error"] = st.error;
    steps.push_back(std::move(j));
  }
  json answer = {{"ok", report.ok},
                 {"dry_run", change.dry_run},
                 {"cause", change.cause},
                 {"reason", change.reason},
                 {"steps", steps}};
  if (!report.ok) answer["error"] = report.reason;

  if (change.dry_run) {
    if (change.reply) change.reply(answer);
  } else if (report.refused && report.steps.empty()) {
    refuse(change, report.reason, "refused");  // could not even start (encoding)
    change.reply = nullptr;
  } else {
    // Wear first: every frame sent counts, rollbacks included.
    const std::string day = today(started);
    for (const device::WriteStep& st : report.steps) {
      if (Status s = store_.count_writes(day, st.target.param, st.frames_written); !s) {
        ctx_.log.error(kComponent, "cannot count writes: " + s.error().describe());
      }
    }
    auto txn = store_.next_txn();
    answer["txn"] = txn ? *txn : 0;
    std::vector<adapters::AuditRow> audit;
    for (std::size_t i = 0; i < report.steps.size(); ++i) {
      const device::WriteStep& st = report.steps[i];
      if (st.result == device::StepResult::kUnchanged) continue;
      std::string result = device::to_string(st.result);
      std::string reason = st.error;
      if (report.refused) {
        result = "refused";
        reason = report.reason;
      } else if (st.result == device::StepResult::kNotAttempted ||
                 st.result == device::StepResult::kRolledBack) {
        reason = report.reason;
      }
      audit.push_back(
          {now, txn ? *txn : 0, st.target.param, st.target.address,
           old_texts[i].empty() ? std::nullopt : std::optional<std::string>(old_texts[i]),
           domain::format_setting(change.targets.at(st.target.param)), change.cause, result,
           st.readback ? std::optional<std::string>(readback_texts[i]) : std::nullopt,
           reason.empty() ? change.reason : reason});
    }
    if (Status s = store_.audit(audit); !s) {
      ctx_.log.error(kComponent, "cannot write the audit log: " + s.error().describe());
    }
    if (report.ok) {
      std::vector<std::string> changed;
      for (std::size_t i = 0; i < report.steps.size(); ++i) {
        const device::WriteStep& st = report.steps[i];
        last_written_[st.target.param] =
            adapters::setting_to_json(change.targets.at(st.target.param));
        drift_reported_.erase("w" + st.target.param);
        if (st.result == device::StepResult::kWritten) {
          changed.push_back(st.target.param + " " + old_texts[i] + " -> " +
                            domain::format_setting(change.targets.at(st.target.param)));
        }
      }
      (void)store_.put("settings.last_written", last_written_, now);
      if (change.applied_key) {
        applied_ = {{"key", *change.applied_key},
                    {"values", adapters::settings_to_json(change.applied_values)},
                    {"at", format_iso8601_utc(now)}};
        (void)store_.put("settings.applied", applied_, now);
      }
      retry_not_before_.reset();
      if (change.on_success) change.on_success();
      if (!changed.empty()) {
        raise("settings.changed", Severity::kInfo,
              "settings written (" + change.cause + "): " + join(changed, ", ") + "; " +
                  change.reason,
              {{"cause", change.cause}, {"txn", std::to_string(txn ? *txn : 0)}});
      }
    } else if (report.refused) {
      raise(report.reason.rfind("write budget", 0) == 0 ? "settings.budget_exhausted"
                                                        : "settings.refused",
            Severity::kWarning,
            "settings change (" + change.cause + ") not written: " + report.reason,
            {{"cause", change.cause}});
      retry_not_before_ = now + ctx_.config.settings.retry_after;
    } else {
      bool rollback_failed = false;
      for (const auto& st : report.steps) {
        rollback_failed |= st.result == device::StepResult::kRollbackFailed;
      }
      raise("settings.write_failed", rollback_failed ? Severity::kCritical : Severity::kWarning,
            "settings change (" + change.cause + ") failed and was " +
                (rollback_failed ? "NOT fully rolled back" : "rolled back") + ": " + report.reason,
            {{"cause", change.cause}, {"txn", std::to_string(txn ? *txn : 0)}});
      retry_not_before_ = now + ctx_.config.settings.retry_after;
    }
    if (change.reply) change.reply(answer);
  }
  if (!queued_.empty()) {
    Change next = std::move(queued_.front());
    queued_.erase(queued_.begin());
    submit(std::move(next));
  }
}

}  // namespace sb::app
