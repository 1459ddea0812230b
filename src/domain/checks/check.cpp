// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/check.hpp"

#include <cstdio>

namespace sb::domain::checks {

const char* to_string(Level level) {
  switch (level) {
    case Level::kOk:
      return "ok";
    case Level::kWarning:
      return "warning";
    case Level::kCritical:
      return "critical";
  }
  return "ok";
}

CheckStatus initial_status(std::string name, std::string unit, std::string threshold,
                           std::string state) {
  CheckStatus s;
  s.name = std::move(name);
  s.unit = std::move(unit);
  s.threshold = std::move(threshold);
  s.state = std::move(state);
  return s;
}

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace sb::domain::checks
