// SPDX-License-Identifier: Apache-2.0
// The settings controller: the inverter's clock, set when it drifts, never from an untrusted clock.
#include "sunbridge/app/settings_controller.hpp"

#include <cmath>

#include "sunbridge/adapters/profile_json.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/interlocks.hpp"
#include "sunbridge/protocol/register_codec.hpp"

namespace sb::app {

using nlohmann::json;

void SettingsController::check_clock(WallTime now) {
  // An unsynchronised gateway would write its own wrong time into the inverter.
  if (!ctx_.config.settings.clock_sync || clock_in_flight_ || !ctx_.time.trusted()) return;
  const std::optional<double> s = clock_skew_s(now);
  if (!s || std::fabs(*s) <= static_cast<double>(ctx_.config.settings.clock_max_skew.count())) {
    return;
  }
  if (clock_synced_at_ && now - *clock_synced_at_ < ctx_.config.settings.clock_min_interval &&
      now >= *clock_synced_at_) {
    return;  // rate-limited: a clock that keeps drifting is a fault to report, not to chase
  }
  sync_clock(*s, nullptr);
}

std::optional<double> SettingsController::clock_skew_s(WallTime now) const {
  auto skew = ctx_.points.get("inverter.clock_skew", now);
  if (!skew || skew->quality != Quality::kOk) return std::nullopt;
  const double* s = std::get_if<double>(&skew->value);
  return s ? std::optional<double>(*s) : std::nullopt;
}

void SettingsController::sync_clock(std::optional<double> skew_s,
                                    adapters::IpcServer::Reply reply) {
  const protocol::RegisterRow* row = ctx_.map.find("inverter.clock");
  if (row == nullptr) {
    if (reply) reply({{"ok", false}, {"error", "the register map has no inverter.clock"}});
    return;
  }
  clock_in_flight_ = true;
  const std::uint16_t address = row->address;
  ctx_.bus.submit([this, address, skew_s, reply] {
    // The time is taken on the bus thread, just before the write.
    auto words = protocol::encode_clock(to_local_civil(ctx_.clock.wall_now()));
    std::string error;
    std::string readback;
    if (!words) {
      error = words.error().describe();
    } else if (Status w = ctx_.link.write_registers(address, *words); !w) {
      error = w.error().describe();
    } else if (auto back = ctx_.link.read_registers(address, 3); !back) {
      error = "read-back failed: " + back.error().describe();
    } else if (auto t = protocol::decode_clock(*back); t) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", t->year, t->month, t->day,
                    t->hour, t->minute, t->second);
      readback = buf;
    }
    ctx_.loop.post([this, address, skew_s, error, readback, reply] {
      clock_in_flight_ = false;
      const WallTime done = ctx_.clock.wall_now();
      clock_synced_at_ = done;
      (void)store_.put("settings.clock_synced_at", format_iso8601_utc(done), done);
      auto txn = store_.next_txn();
      char old_text[40] = "skew unknown";
      if (skew_s) std::snprintf(old_text, sizeof old_text, "skew %+.0f s", *skew_s);
      adapters::AuditRow entry{
          done,
          txn ? *txn : 0,
          "clock",
          address,
          std::string(old_text),
          format_local(done),
          "clock",
          error.empty() ? "written" : "failed",
          readback.empty() ? std::nullopt : std::optional<std::string>(readback),
          error};
      (void)store_.audit(entry);
      if (error.empty()) {
        raise("settings.clock_set", Severity::kInfo,
              std::string("inverter clock set (it was ") + old_text + ")", {{"skew_s", old_text}});
      } else {
        raise("settings.clock_failed", Severity::kWarning,
              "setting the inverter clock failed: " + error);
      }
      if (reply) {
        json out = {{"ok", error.empty()}, {"before", old_text}};
        if (!readback.empty()) out["readback"] = {{"inverter.clock", readback}};
        if (!error.empty()) out["error"] = error;
        reply(out);
      }
    });
  });
}

}  // namespace sb::app
