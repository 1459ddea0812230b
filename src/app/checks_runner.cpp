// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/checks_runner.hpp"

namespace sb::app {

namespace {
constexpr const char* kComponent = "checks";
constexpr const char* kMemoryKey = "checks.memory";
// What the checks learned is ~100 KB of JSON with 14 days of fan samples: saved hourly (and at a
// clean stop), not every few minutes, to spare the SD card.
constexpr std::chrono::hours kMemoryEvery{1};
constexpr std::chrono::seconds kFanRetry{30};
}  // namespace

ChecksRunner::ChecksRunner(ChecksContext ctx)
    : ctx_(std::move(ctx)),
      store_(ctx_.history.db()),
      engine_(ctx_.config.checks),
      fan_(adapters::make_fan_switch(ctx_.config.cooling, ctx_.loop, ctx_.log)) {
  if (auto m = store_.get(kMemoryKey); m && *m) {
    engine_.restore_memory(**m);
  } else if (!m) {
    ctx_.log.warn(kComponent, "cannot read what the checks learned: " + m.error().describe());
  }
  if (fan_) ctx_.log.info(kComponent, "cabinet fan on " + fan_->describe());
}

void ChecksRunner::run(WallTime now) {
  for (const Event& e : engine_.update(ctx_.points, now))
    ctx_.record_event(e);
  for (const auto& s : engine_.statuses()) {
    if (!s.known) continue;
    ctx_.points.set(Point{"check." + s.name + ".state",
                          std::string(domain::checks::to_string(s.level)), "", Quality::kOk, now,
                          s.state});
  }
  for (const auto& iv : engine_.take_pq_intervals()) {
    if (Status st = ctx_.history.record_pq_interval(iv); !st) {
      ctx_.log.error(kComponent, "cannot store a power-quality interval: " + st.error().describe());
    }
  }
  if (engine_.charge_lease_a() != lease_a_) {
    lease_a_ = engine_.charge_lease_a();
    ctx_.on_charge_lease(lease_a_);
  }
  drive_fan(now);
  publish_fan(now);
  if (!memory_saved_at_ || now - *memory_saved_at_ >= kMemoryEvery) save_memory(now);
}

void ChecksRunner::drive_fan(WallTime now) {
  if (!fan_ || !engine_.fan()) return;
  const auto& control = *engine_.fan();
  const bool wanted = control.on();
  if (fan_confirmed_ == wanted || fan_in_flight_) return;
  if (fan_failed_) {  // wait a while after a failure, then try again
    fan_failed_ = false;
    fan_retry_at_ = now + kFanRetry;
  }
  if (fan_retry_at_ && now < *fan_retry_at_) return;
  fan_retry_at_.reset();
  fan_in_flight_ = true;
  const std::string reason = control.reason();
  fan_->set(wanted, [this, alive = alive_, wanted, reason](const Status& s) {
    if (!*alive) return;
    fan_in_flight_ = false;
    if (!s) {
      fan_failed_ = true;
      const std::string text = s.error().describe();
      if (text != fan_error_) {
        ctx_.log.warn(kComponent, "cannot switch the fan " + std::string(wanted ? "on" : "off") +
                                      ": " + text + " (retrying)");
        fan_error_ = text;
      }
      return;
    }
    fan_error_.clear();
    fan_confirmed_ = wanted;
    ctx_.log.info(kComponent, std::string("fan ") + (wanted ? "on" : "off") + ": " + reason);
  });
}

void ChecksRunner::publish_fan(WallTime now) {
  if (!fan_ || !engine_.fan()) return;
  Point p{"cooling.fan.state", {}, "", Quality::kInvalid, now, "not switched yet"};
  if (fan_confirmed_) {
    p.value = std::string(*fan_confirmed_ ? "on" : "off");
    p.quality = fan_error_.empty() ? Quality::kOk : Quality::kStale;
    p.note = fan_error_.empty() ? engine_.fan()->reason() : "cannot switch: " + fan_error_;
  }
  ctx_.points.set(std::move(p));
}

void ChecksRunner::save_memory(WallTime now) {
  memory_saved_at_ = now;
  if (Status s = store_.put(kMemoryKey, engine_.memory_json(), now); !s) {
    ctx_.log.error(kComponent, "cannot store what the checks learned: " + s.error().describe());
  }
}

void ChecksRunner::shutdown(WallTime now) {
  *alive_ = false;
  save_memory(now);
  if (!fan_) return;
  const std::string& on_exit = ctx_.config.cooling.on_exit;
  if (on_exit == "leave") return;
  if (Status s = fan_->set_now(on_exit == "on"); !s) {
    ctx_.log.warn(kComponent,
                  "cannot switch the fan " + on_exit + " at exit: " + s.error().describe());
  } else {
    ctx_.log.info(kComponent, "fan " + on_exit + " (the configured state at exit)");
  }
}

}  // namespace sb::app
