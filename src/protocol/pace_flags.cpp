// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/protocol/pace_flags.hpp"

#include <algorithm>

#include "sunbridge/protocol/pack_record.hpp"

namespace sb::protocol {

void decode_flags(std::uint32_t value, const std::vector<FlagBit>& table,
                  std::vector<std::string>& out) {
  for (const auto& f : table) {
    if ((value >> f.bit) & 1U) out.emplace_back(f.text);
  }
}

const std::vector<FlagBit>& pace_warning_bits() {
  static const std::vector<FlagBit> t = {{0, "cell over-voltage"},
                                         {1, "cell under-voltage"},
                                         {2, "pack over-voltage"},
                                         {3, "pack under-voltage"},
                                         {4, "charge over-current"},
                                         {5, "discharge over-current"},
                                         {8, "charge over-temperature"},
                                         {9, "discharge over-temperature"},
                                         {10, "charge under-temperature"},
                                         {11, "discharge under-temperature"},
                                         {12, "environment over-temperature"},
                                         {13, "environment under-temperature"},
                                         {14, "MOSFET over-temperature"},
                                         {15, "low SOC"}};
  return t;
}

const std::vector<FlagBit>& pace_protection_bits() {
  static const std::vector<FlagBit> t = {{0, "cell over-voltage"},
                                         {1, "cell under-voltage"},
                                         {2, "pack over-voltage"},
                                         {3, "pack under-voltage"},
                                         {4, "charge over-current"},
                                         {5, "discharge over-current"},
                                         {6, "short circuit"},
                                         {7, "charger over-voltage"},
                                         {8, "charge over-temperature"},
                                         {9, "discharge over-temperature"},
                                         {10, "charge under-temperature"},
                                         {11, "discharge under-temperature"},
                                         {12, "MOSFET over-temperature"},
                                         {13, "environment over-temperature"},
                                         {14, "environment under-temperature"}};
  return t;
}

const std::vector<FlagBit>& pace_fault_bits() {
  static const std::vector<FlagBit> t = {{0, "charge MOSFET"},      {1, "discharge MOSFET"},
                                         {2, "temperature sensor"}, {4, "cell"},
                                         {5, "AFE communication"},  {14, "charger reversed"}};
  return t;
}

const std::vector<FlagBit>& pace_state_bits() {
  static const std::vector<FlagBit> t = {
      {8, "charging"}, {9, "discharging"},         {10, "CFET on"},
      {11, "DFET on"}, {12, "current limiter on"}, {15, "heater on"}};
  return t;
}

const std::vector<FlagBit>& ascii_protect1_bits() {
  static const std::vector<FlagBit> t = {{0, "cell over-voltage"},   {1, "cell under-voltage"},
                                         {2, "pack over-voltage"},   {3, "pack under-voltage"},
                                         {4, "charge over-current"}, {5, "discharge over-current"},
                                         {6, "short circuit"}};
  return t;
}

const std::vector<FlagBit>& ascii_protect2_bits() {
  static const std::vector<FlagBit> t = {
      {0, "charge over-temperature"},      {1, "discharge over-temperature"},
      {2, "charge under-temperature"},     {3, "discharge under-temperature"},
      {4, "MOSFET over-temperature"},      {5, "environment over-temperature"},
      {6, "environment under-temperature"}};
  return t;
}

const std::vector<FlagBit>& ascii_protect2_state_bits() {
  static const std::vector<FlagBit> t = {{7, "fully charged"}};
  return t;
}

const std::vector<FlagBit>& ascii_system_state_bits() {
  static const std::vector<FlagBit> t = {{0, "current limiter on"}, {1, "CFET on"}, {2, "DFET on"}};
  return t;
}

const std::vector<FlagBit>& ascii_fault_bits() {
  static const std::vector<FlagBit> t = {{0, "charge MOSFET"},
                                         {1, "discharge MOSFET"},
                                         {2, "temperature sensor"},
                                         {4, "cell"},
                                         {5, "sampling"}};
  return t;
}

void derive_soc_soh(PackRecord& r) {
  if (!r.soc_pct && r.remaining_ah && r.full_ah && *r.full_ah > 0) {
    r.soc_pct = std::min(100.0, *r.remaining_ah / *r.full_ah * 100.0);
  }
  if (!r.soh_pct && r.full_ah && r.design_ah && *r.design_ah > 0) {
    r.soh_pct = std::min(100.0, *r.full_ah / *r.design_ah * 100.0);
  }
}

}  // namespace sb::protocol
