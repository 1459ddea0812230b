// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/read_period.hpp"

#include <string>

#include "sunbridge/core/local_time.hpp"

namespace sb::app {

Result<ReadPeriod> read_period(const nlohmann::json& request, WallTime now,
                               std::chrono::seconds fallback, std::chrono::seconds max_back) {
  ReadPeriod period{now - fallback, now};
  if (request.contains("since") && request["since"].is_string()) {
    auto t = parse_since(request["since"].get<std::string>(), now);
    if (!t) return Error::invalid(std::string("since: expected ") + kWhenForms);
    period.since = *t;
  } else if (request.contains("since_s") && request["since_s"].is_number()) {
    const double s = request["since_s"].get<double>();
    if (!(s > 0)) return Error::invalid("since_s must be positive");
    period.since = now - std::chrono::milliseconds(static_cast<long long>(s * 1000));
  }
  if (request.contains("until") && request["until"].is_string()) {
    auto t = parse_since(request["until"].get<std::string>(), now);
    if (!t) return Error::invalid(std::string("until: expected ") + kWhenForms);
    // Nothing is recorded after now: a later end reads up to now.
    period.until = std::min(*t, now);
  }
  if (period.since >= now) return Error::invalid("since: that is not in the past");
  if (period.until <= period.since) {
    return Error::invalid("until: the end (" + format_local(period.until) +
                          ") is not after the start (" + format_local(period.since) + ")");
  }
  if (now - period.since > max_back) {
    return Error::invalid("since: at most " + std::to_string(max_back.count() / 86400) +
                          " days back");
  }
  return period;
}

}  // namespace sb::app
