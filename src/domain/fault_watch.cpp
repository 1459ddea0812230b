// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/fault_watch.hpp"

#include <algorithm>

namespace sb::domain {

namespace {

bool contains(const std::vector<FaultCode>& list, const FaultCode& f) {
  return std::any_of(list.begin(), list.end(),
                     [&](const FaultCode& g) { return g.code == f.code; });
}

std::string describe(const FaultCode& f) {
  std::string out = "inverter fault " + std::to_string(f.code);
  if (!f.name.empty()) out += " " + f.name;
  if (!f.text.empty()) out += ": " + f.text;
  return out;
}

}  // namespace

std::vector<Event> FaultWatch::update(const std::vector<FaultCode>& active, WallTime now) {
  std::vector<Event> out;
  for (const FaultCode& f : active) {
    if (contains(active_, f)) continue;
    out.push_back({now,
                   "inverter.fault",
                   Severity::kWarning,
                   describe(f),
                   {{"code", std::to_string(f.code)}, {"name", f.name}, {"text", f.text}}});
  }
  // Clearing is news only for faults seen appearing in this run.
  if (!first_) {
    for (const FaultCode& f : active_) {
      if (contains(active, f)) continue;
      out.push_back({now,
                     "inverter.fault_cleared",
                     Severity::kInfo,
                     describe(f) + " cleared",
                     {{"code", std::to_string(f.code)}, {"name", f.name}}});
    }
  }
  active_ = active;
  first_ = false;
  return out;
}

}  // namespace sb::domain
