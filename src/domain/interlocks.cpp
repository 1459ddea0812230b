// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/interlocks.hpp"

#include <algorithm>

namespace sb::domain {

namespace {

std::optional<double> number(const SettingValues& v, const std::string& lcd) {
  auto it = v.find(lcd);
  if (it == v.end()) return std::nullopt;
  const double* d = std::get_if<double>(&it->second);
  return d == nullptr ? std::nullopt : std::optional<double>(*d);
}

std::string show(double v) {
  return format_setting(PointValue{v});
}

}  // namespace

std::vector<std::string> check_interlocks(const SettingValues& after, const InterlockLimits& limits,
                                          const std::vector<std::string>& changing) {
  std::vector<std::string> out;
  auto involved = [&](const char* id) {
    return changing.empty() || std::find(changing.begin(), changing.end(), id) != changing.end();
  };
  if (auto a = number(after, "07"); a && involved("07")) {
    if (*a < 0 || *a > limits.max_charge_current_a) {
      out.push_back("07 = " + show(*a) + " A is outside 0-" + show(limits.max_charge_current_a) +
                    " A (PV + AC charge current)");
    }
    if (limits.bank_charge_limit_a && *a > *limits.bank_charge_limit_a) {
      out.push_back("07 = " + show(*a) + " A is above the battery bank's charge limit of " +
                    show(*limits.bank_charge_limit_a) + " A");
    }
  }
  // 58-62 act on the BMS SOC: 59 < 61 < 62 <= 60 and 58 >= 59 (docs/inverter-registers.md).
  bool touches_soc = false;
  for (const char* id : {"58", "59", "60", "61", "62"}) {
    touches_soc |= changing.empty() ? after.count(id) != 0 : involved(id);
  }
  if (!touches_soc) return out;
  auto p58 = number(after, "58"), p59 = number(after, "59"), p60 = number(after, "60"),
       p61 = number(after, "61"), p62 = number(after, "62");
  if (!p58 || !p59 || !p60 || !p61 || !p62) {
    std::string missing;
    for (const char* id : {"58", "59", "60", "61", "62"}) {
      if (!number(after, id)) missing += std::string(missing.empty() ? "" : ", ") + id;
    }
    out.push_back("the SOC interlocks 59 < 61 < 62 <= 60, 58 >= 59 cannot be checked: " + missing +
                  " not known (settings not read yet)");
    return out;
  }
  auto rule = [&](bool ok, const std::string& text) {
    if (!ok) out.push_back(text);
  };
  rule(*p59 < *p61, "59 (discharge stop " + show(*p59) + " %) must be below 61 (switch-to-grid " +
                        show(*p61) + " %)");
  rule(*p61 < *p62, "61 (switch-to-grid " + show(*p61) + " %) must be below 62 (switch-back " +
                        show(*p62) + " %)");
  rule(*p62 <= *p60, "62 (switch-back " + show(*p62) + " %) must not exceed 60 (charge stop " +
                         show(*p60) + " %)");
  rule(*p58 >= *p59, "58 (discharge alarm " + show(*p58) +
                         " %) must not be below 59 (discharge stop " + show(*p59) + " %)");
  return out;
}

}  // namespace sb::domain
