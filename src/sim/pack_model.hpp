// SPDX-License-Identifier: Apache-2.0
// The battery bank behind the simulated inverter: N FLCD16-10048-like packs (16S LiFePO4,
// 100 Ah design) whose currents add up to the inverter's battery current and whose SOCs follow
// its SOC. Values are kept at the resolution the BMS protocols carry (10 mA, 10 mV, 10 mAh,
// 1 mV cells, 0.1 C) so that what the simulator holds is exactly what a reader can receive.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/household_model.hpp"
#include "sunbridge/protocol/pace_ascii.hpp"
#include "sunbridge/protocol/pace_modbus.hpp"
#include "sunbridge/protocol/pack_record.hpp"

namespace sb::sim {

enum class PackFault { kNone, kOverTemperature, kCellOverVoltage };

struct SimPack {
  int address = 1;
  double design_ah = 100.0;
  double full_ah = 100.0;
  double soc_offset_pct = 0;  // against the inverter's SOC
  int cycles = 140;
  std::array<int, 16> cell_offset_mv{};
  std::array<double, 4> cell_temp_c{};
  double mos_temp_c = 26.5;
  double ambient_temp_c = 27.4;
  PackFault fault = PackFault::kNone;
  bool silent = false;  // does not answer
  std::string model = "P16S100A-1812-1.00";
  std::string serial;
  std::string firmware = "PACE_BMS_V1.3";
  // Derived each step:
  double current_a = 0;
  double remaining_ah = 0;
  std::array<int, 16> cells_mv{};
};

class PackModel {
 public:
  PackModel(HouseholdModel& house, int packs, std::uint32_t seed);

  // Follows the inverter: bank current split by capacity, SOC with each pack's offset.
  void step();
  [[nodiscard]] int count() const { return static_cast<int>(packs_.size()); }
  [[nodiscard]] const SimPack* find(int address) const;
  SimPack* find(int address);

  // What the pack's BMS reports.
  [[nodiscard]] protocol::PackRecord record(int address) const;
  [[nodiscard]] protocol::PaceFlagWords flag_words(int address) const;
  [[nodiscard]] protocol::AlarmBytes alarm_bytes(int address) const;
  // Every pack value under its points.md name (pack.N.*), for tests to compare.
  [[nodiscard]] nlohmann::json dump() const;

 private:
  HouseholdModel& house_;
  std::vector<SimPack> packs_;
};

}  // namespace sb::sim
