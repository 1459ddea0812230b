// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/weather_service.hpp"

#include "sunbridge/core/local_time.hpp"

namespace sb::app {

namespace {
constexpr const char* kComponent = "weather";
}

WeatherService::WeatherService(const adapters::ProfilesConfig& config, const Clock& clock,
                               Logger& log, EventLoop& loop, adapters::Outbound& outbound,
                               Sink sink, std::function<void()> ended)
    : config_(config),
      clock_(clock),
      log_(log),
      loop_(loop),
      sink_(std::move(sink)),
      ended_(std::move(ended)),
      provider_(adapters::make_weather_provider(config.weather, outbound)) {
  if (provider_) net_ = std::make_unique<WorkerThread>("sb-net");
}

WeatherService::~WeatherService() {
  if (net_) net_->stop();
}

std::string WeatherService::describe() const {
  return provider_ ? provider_->describe() : "none";
}

WallTime WeatherService::next_fetch(WallTime now) const {
  const CivilTime local = to_local_civil(now);
  std::optional<WallTime> best;
  for (int day = 0; day < 2; ++day) {
    for (auto t : config_.fetch_times) {
      CivilTime c = local;
      c.hour = static_cast<int>(t.count() / 60);
      c.minute = static_cast<int>(t.count() % 60);
      c.second = 0;
      auto at = from_local_civil(c);
      if (!at) continue;
      *at += std::chrono::hours(24 * day);
      if (*at > now && (!best || *at < *best)) best = *at;
    }
  }
  return best.value_or(now + std::chrono::hours(6));
}

bool WeatherService::start(std::optional<WallTime> last_fetch) {
  if (!provider_) return false;
  const WallTime now = clock_.wall_now();
  log_.info(kComponent, "forecasts from " + describe());
  // A cached forecast fetched after the last scheduled time is as good as a new one.
  const bool fresh = last_fetch && *last_fetch <= now && next_fetch(*last_fetch) > now;
  if (fresh) {
    schedule(next_fetch(now));
    return false;
  }
  fetch(nullptr);
  return true;
}

void WeatherService::schedule(WallTime at) {
  const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(at - clock_.wall_now());
  loop_.schedule_after(std::max(delay, std::chrono::milliseconds(0)), [this] { fetch(nullptr); });
}

void WeatherService::refresh(std::function<void(std::string)> done) {
  if (!provider_) {
    done("no weather provider configured (profiles.weather.provider)");
    return;
  }
  fetch(std::move(done));
}

void WeatherService::fetch(std::function<void(std::string)> done) {
  if (in_flight_) {
    if (done) {
      done("a fetch is already in progress");
    } else {
      schedule(clock_.wall_now() + config_.fetch_retry);  // keep the schedule alive
    }
    return;
  }
  in_flight_ = true;
  net_->submit([this, done] {
    auto result = provider_->fetch(clock_.wall_now());
    loop_.post([this, done, result = std::move(result)]() mutable {
      in_flight_ = false;
      const WallTime now = clock_.wall_now();
      const bool scheduled = !done;
      if (result) {
        if (failing_) log_.info(kComponent, "forecast available again from " + describe());
        failing_ = false;
        log_.debug(kComponent, "forecast with " + std::to_string(result->days.size()) + " days");
        sink_(std::move(*result));
        if (scheduled) schedule(next_fetch(now));
        if (done) done("");
        if (ended_) ended_();
        return;
      }
      // Logged once per outage; the last good forecast stays until it is too old.
      if (!failing_) log_.warn(kComponent, "forecast unavailable: " + result.error().describe());
      failing_ = true;
      if (scheduled) {
        schedule(std::min(next_fetch(now), now + config_.fetch_retry));
      }
      if (done) done(result.error().describe());
      if (ended_) ended_();
    });
  });
}

}  // namespace sb::app
