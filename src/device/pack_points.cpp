// SPDX-License-Identifier: Apache-2.0
#include <cmath>
#include <cstdio>

#include "sunbridge/device/bms.hpp"

namespace sb::device {

namespace {

std::string prefix(int pack) {
  return "pack." + std::to_string(pack) + ".";
}

// The numeric points of a pack and their units (points.md: pack.N.*).
// `decimals` follows the protocols' resolution (docs/bms.md): 10 mV, 10 mA, 10 mAh, 0.1 C.
struct NumericField {
  const char* suffix;
  const char* unit;
  int decimals;
  std::optional<double> protocol::PackRecord::*member;
};
constexpr NumericField kNumeric[] = {
    {"soc", "%", 0, &protocol::PackRecord::soc_pct},
    {"soh", "%", 0, &protocol::PackRecord::soh_pct},
    {"voltage", "V", 2, &protocol::PackRecord::voltage_v},
    {"current", "A", 2, &protocol::PackRecord::current_a},
    {"remaining", "Ah", 2, &protocol::PackRecord::remaining_ah},
    {"full", "Ah", 2, &protocol::PackRecord::full_ah},
    {"design", "Ah", 2, &protocol::PackRecord::design_ah},
    {"temp.mos", "C", 1, &protocol::PackRecord::mos_temp_c},
    {"temp.ambient", "C", 1, &protocol::PackRecord::ambient_temp_c},
};

double round_to(double v, double step) {
  return std::round(v / step) * step + 0.0;
}

}  // namespace

const char* to_string(BmsMode mode) {
  switch (mode) {
    case BmsMode::kNone:
      return "none";
    case BmsMode::kSniff:
      return "sniff";
    case BmsMode::kAscii:
      return "ascii";
    case BmsMode::kModbus:
      return "modbus";
  }
  return "none";
}

PointUpdate pack_points(const protocol::PackRecord& r, WallTime at) {
  PointUpdate u;
  const std::string p = prefix(r.pack);
  auto add = [&](const std::string& name, PointValue v, const std::string& unit,
                 int decimals = -1) {
    u.fresh.push_back(Point{p + name, std::move(v), unit, Quality::kOk, at, {}, decimals});
  };
  for (const auto& f : kNumeric) {
    if (const auto& v = r.*(f.member)) add(f.suffix, round_to(*v, 0.001), f.unit, f.decimals);
  }
  if (r.cycles) add("cycles", static_cast<double>(*r.cycles), "", 0);
  for (std::size_t i = 0; i < r.cells_mv.size(); ++i) {
    add("cell." + std::to_string(i + 1), r.cells_mv[i], "mV", 0);
  }
  for (std::size_t i = 0; i < r.temps_c.size(); ++i) {
    add("temp." + std::to_string(i + 1), r.temps_c[i], "C", 1);
  }
  if (r.has_flags) {
    TextList alarms;
    for (const auto& w : r.warnings)
      alarms.push_back("warning: " + w);
    for (const auto& w : r.protections)
      alarms.push_back("protection: " + w);
    for (const auto& w : r.faults)
      alarms.push_back("fault: " + w);
    add("alarms", alarms, "");
    add("status", TextList(r.states.begin(), r.states.end()), "");
  }
  if (r.balancing) {
    TextList cells;
    for (int i = 0; i < 32; ++i) {
      if ((*r.balancing >> i) & 1U) cells.push_back("cell " + std::to_string(i + 1));
    }
    add("balancing", cells, "");
  }
  if (!r.model.empty()) add("model", r.model, "");
  if (!r.serial.empty()) add("serial", r.serial, "");
  if (!r.firmware.empty()) add("firmware", r.firmware, "");
  return u;
}

std::vector<PointIssue> pack_point_issues(int pack, int cells, const std::string& reason) {
  std::vector<PointIssue> out;
  const std::string p = prefix(pack);
  for (const auto& f : kNumeric)
    out.push_back({p + f.suffix, reason, f.unit});
  out.push_back({p + "cycles", reason, ""});
  for (int i = 1; i <= cells; ++i)
    out.push_back({p + "cell." + std::to_string(i), reason, "mV"});
  for (int i = 1; i <= 4; ++i)
    out.push_back({p + "temp." + std::to_string(i), reason, "C"});
  out.push_back({p + "alarms", reason, ""});
  out.push_back({p + "status", reason, ""});
  out.push_back({p + "balancing", reason, ""});
  return out;
}

PackHealth::PackHealth(const BmsOptions& options, const Clock& clock, Logger& log)
    : clock_(clock), log_(log) {
  for (int a : options.addresses)
    health_.emplace(a, LinkHealth(options.health));
}

void PackHealth::record(std::vector<PackReading>& readings, bool port_lost) {
  for (auto& r : readings) {
    auto it = health_.find(r.pack);
    if (it == health_.end()) continue;
    if (!r.due && !r.record) {
      r.state = it->second.state();
      continue;
    }
    CycleOutcome outcome;
    outcome.succeeded = r.record ? 1 : 0;
    outcome.failed = r.record ? 0 : 1;
    outcome.port_lost = port_lost;
    outcome.last_error = r.error;
    // A pack's back-off is the port's business: the source decides when to ask again.
    if (auto t = it->second.record(outcome, clock_.mono_now())) {
      log_.log(t->to == LinkState::kOnline ? LogLevel::kInfo : LogLevel::kWarning, "bms",
               "pack " + std::to_string(r.pack) + ": " + to_string(t->from) + " -> " +
                   to_string(t->to) + (r.error.empty() ? "" : " (" + r.error + ")"));
    }
    r.state = it->second.state();
  }
}

}  // namespace sb::device
