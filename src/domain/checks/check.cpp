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

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace sb::domain::checks
