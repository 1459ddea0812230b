// SPDX-License-Identifier: Apache-2.0
// One battery pack as its BMS reports it, whichever protocol carried it (PACE Modbus, PACE v25
// or Pylon v20 ASCII). Fields a frame did not carry stay empty. Signs: current + = charging.
// Protocols: docs/bms.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sb::protocol {

struct PackRecord {
  int pack = 0;  // BMS address (1 = master)
  std::optional<double> current_a;
  std::optional<double> voltage_v;
  std::optional<double> soc_pct;
  std::optional<double> soh_pct;
  std::optional<double> remaining_ah;
  std::optional<double> full_ah;
  std::optional<double> design_ah;
  std::optional<int> cycles;
  std::vector<double> cells_mv;
  std::vector<double> temps_c;             // cell temperature sensors
  std::optional<double> mos_temp_c;        // MOSFET (PACE) or BMS board (Pylon)
  std::optional<double> ambient_temp_c;    // environment
  std::optional<std::uint32_t> balancing;  // bit n = cell n+1 balancing
  // Decoded flags: "cell over-voltage", "short circuit", ... Empty when the frame had no flags.
  std::vector<std::string> warnings;
  std::vector<std::string> protections;
  std::vector<std::string> faults;
  std::vector<std::string> states;  // "charging", "CFET on", ...
  bool has_flags = false;
  std::string firmware;
  std::string model;
  std::string serial;
};

// SOC = remaining / full, SOH = full / design capped at 100 % (bms.md section 4: the ASCII
// analog frame has no SOC field).
void derive_soc_soh(PackRecord& r);

}  // namespace sb::protocol
