// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/core/point.hpp"

#include "sunbridge/core/event.hpp"

#include <cmath>
#include <cstdio>

namespace sb {

const char* to_string(Quality quality) {
  switch (quality) {
    case Quality::kOk:
      return "ok";
    case Quality::kStale:
      return "stale";
    case Quality::kInvalid:
      return "invalid";
  }
  return "invalid";
}

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kCritical:
      return "critical";
  }
  return "info";
}

std::optional<Severity> severity_from_string(std::string_view text) {
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kCritical}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

namespace {

std::string format_number(double v, int decimals) {
  if (decimals < 0) {
    // Integers print without decimals; others with up to 3 significant fractional digits.
    if (std::fabs(v - std::round(v)) < 1e-9) {
      decimals = 0;
    } else if (std::fabs(v * 10 - std::round(v * 10)) < 1e-6) {
      decimals = 1;
    } else if (std::fabs(v * 100 - std::round(v * 100)) < 1e-5) {
      decimals = 2;
    } else {
      decimals = 3;
    }
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string format_value(const PointValue& value, const std::string& unit, int decimals) {
  struct Visitor {
    const std::string& unit;
    int decimals;
    std::string operator()(std::monostate) const { return "-"; }
    std::string operator()(double v) const {
      std::string s = format_number(v, decimals);
      if (!unit.empty()) s += (unit == "%" ? "" : " ") + unit;
      return s;
    }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<FaultCode>& faults) const {
      if (faults.empty()) return "none";
      std::string s;
      for (const auto& f : faults) {
        if (!s.empty()) s += ", ";
        s += std::to_string(f.code) + " " + f.name;
      }
      return s;
    }
    std::string operator()(const TextList& list) const {
      if (list.empty()) return "none";
      std::string s;
      for (const auto& t : list)
        s += (s.empty() ? "" : ", ") + t;
      return s;
    }
  };
  return std::visit(Visitor{unit, decimals}, value);
}

}  // namespace sb
