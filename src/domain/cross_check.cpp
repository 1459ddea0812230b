// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/cross_check.hpp"

#include <cmath>
#include <cstdio>

namespace sb::domain {

namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

void CrossCheck::check(Watch& w, const char* kind, const char* what, const char* unit, double bank,
                       double inverter, double limit, WallTime now, std::vector<Event>& out) {
  const double gap = std::fabs(bank - inverter);
  std::map<std::string, std::string> details = {
      {"bank", fmt(bank)}, {"inverter", fmt(inverter)}, {"gap", fmt(gap)}, {"limit", fmt(limit)}};
  if (gap > limit) {
    if (!w.since) w.since = now;
    const auto lasted = std::chrono::duration_cast<std::chrono::seconds>(now - *w.since);
    if (!w.raised && lasted >= policy_.sustain) {
      w.raised = true;
      details["since"] = std::to_string(lasted.count()) + " s";
      out.push_back(Event{now, std::string("bms.") + kind, Severity::kWarning,
                          std::string("bank ") + what + " " + fmt(bank) + unit + " and inverter " +
                              fmt(inverter) + unit + " differ by " + fmt(gap) + unit + " for " +
                              std::to_string(lasted.count() / 60) + " min",
                          details});
    }
    return;
  }
  w.since.reset();
  if (w.raised) {
    w.raised = false;
    out.push_back(Event{now, std::string("bms.") + kind + "_cleared", Severity::kInfo,
                        std::string("bank and inverter ") + what + " agree again (" + fmt(bank) +
                            unit + " vs " + fmt(inverter) + unit + ")",
                        details});
  }
}

std::vector<Event> CrossCheck::evaluate(const PointStore& store, WallTime now) {
  std::vector<Event> out;
  auto bank_soc = store.fresh_number("bank.soc", now);
  auto inv_soc = store.fresh_number("battery.soc", now);
  if (bank_soc && inv_soc) {
    check(soc_, "soc_mismatch", "SOC", " %", *bank_soc, *inv_soc, policy_.soc_gap_pct, now, out);
  }
  auto bank_v = store.fresh_number("bank.voltage", now);
  auto inv_v = store.fresh_number("battery.voltage", now);
  if (bank_v && inv_v) {
    check(voltage_, "voltage_mismatch", "voltage", " V", *bank_v, *inv_v, policy_.voltage_gap_v,
          now, out);
  }
  return out;
}

}  // namespace sb::domain
