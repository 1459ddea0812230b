// SPDX-License-Identifier: Apache-2.0
#include "sim/pack_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sb::sim {

namespace {

double round_to(double v, double step) {
  return std::round(v / step) * step + 0.0;
}

// LiFePO4 open-circuit voltage is flat: about 3.20 V empty to 3.34 V full, per cell.
int cell_ocv_mv(double soc_pct) {
  return static_cast<int>(std::lround(3200 + 1.4 * soc_pct));
}

}  // namespace

PackModel::PackModel(HouseholdModel& house, int packs, std::uint32_t seed) : house_(house) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> offset(-4, 4);
  for (int i = 0; i < packs; ++i) {
    SimPack p;
    p.address = i + 1;
    p.full_ah = round_to(98.0 + 1.5 * i, 0.01);  // slightly different ageing per pack
    p.cycles = 140 + 3 * i;
    p.soc_offset_pct = i % 2 == 0 ? 0.5 * i : -0.5 * i;
    for (auto& o : p.cell_offset_mv)
      o = offset(rng);
    p.cell_temp_c = {24.1 + 0.2 * i, 23.9 + 0.2 * i, 23.9 + 0.2 * i, 23.9 + 0.2 * i};
    char serial[32];
    std::snprintf(serial, sizeof serial, "FLCD1610048%07d", 2401017 + i);
    p.serial = serial;
    packs_.push_back(p);
  }
  step();
}

const SimPack* PackModel::find(int address) const {
  for (const auto& p : packs_) {
    if (p.address == address) return &p;
  }
  return nullptr;
}

SimPack* PackModel::find(int address) {
  for (auto& p : packs_) {
    if (p.address == address) return &p;
  }
  return nullptr;
}

void PackModel::step() {
  // The bank current is the inverter's battery current (+ = charging), at 10 mA resolution, split
  // by full capacity; the last pack takes the rounding remainder so the sum is exact.
  const double bank = round_to(house_.get("battery.current"), 0.01);
  double total_full = 0;
  for (const auto& p : packs_)
    total_full += p.full_ah;
  double assigned = 0;
  for (std::size_t i = 0; i < packs_.size(); ++i) {
    SimPack& p = packs_[i];
    p.current_a = i + 1 == packs_.size() ? round_to(bank - assigned, 0.01)
                                         : round_to(bank * p.full_ah / total_full, 0.01);
    assigned += p.current_a;
    const double soc = std::clamp(house_.get("battery.soc") + p.soc_offset_pct, 0.0, 100.0);
    p.remaining_ah = round_to(soc / 100.0 * p.full_ah, 0.01);
    const int ocv = cell_ocv_mv(soc);
    for (std::size_t c = 0; c < p.cells_mv.size(); ++c) {
      // Charging current lifts cell voltage a little (about 1 mOhm per cell at pack current).
      p.cells_mv[c] = ocv + p.cell_offset_mv[c] + static_cast<int>(std::lround(p.current_a * 0.25));
    }
    if (p.fault == PackFault::kCellOverVoltage) p.cells_mv[4] = 3655;
  }
}

protocol::PackRecord PackModel::record(int address) const {
  protocol::PackRecord r;
  const SimPack* p = find(address);
  if (p == nullptr) return r;
  r.pack = p->address;
  r.current_a = p->current_a;
  int sum_mv = 0;
  for (int mv : p->cells_mv)
    sum_mv += mv;
  r.voltage_v = round_to(sum_mv / 1000.0, 0.01);  // 10 mV on the Modbus side
  r.remaining_ah = p->remaining_ah;
  r.full_ah = p->full_ah;
  r.design_ah = p->design_ah;
  r.soc_pct = std::round(p->remaining_ah / p->full_ah * 100.0);
  r.soh_pct = std::round(std::min(100.0, p->full_ah / p->design_ah * 100.0));
  r.cycles = p->cycles;
  r.cells_mv.assign(p->cells_mv.begin(), p->cells_mv.end());
  r.temps_c.assign(p->cell_temp_c.begin(), p->cell_temp_c.end());
  r.mos_temp_c = p->mos_temp_c;
  r.ambient_temp_c = p->ambient_temp_c;
  if (p->fault == PackFault::kOverTemperature) {
    r.temps_c[0] = 58.0;
    r.mos_temp_c = 61.5;
  }
  r.model = p->model;
  r.serial = p->serial;
  r.firmware = p->firmware;
  return r;
}

protocol::PaceFlagWords PackModel::flag_words(int address) const {
  protocol::PaceFlagWords f;
  const SimPack* p = find(address);
  if (p == nullptr) return f;
  f.status = 0x0C00;                         // CFET and DFET on
  if (p->current_a > 0) f.status |= 0x0100;  // charging
  if (p->current_a < 0) f.status |= 0x0200;  // discharging
  if (p->fault == PackFault::kOverTemperature) {
    f.warning = 0x0100;     // charge over-temperature
    f.protection = 0x0100;  // charge over-temperature
  }
  if (p->fault == PackFault::kCellOverVoltage) {
    f.warning = 0x0001;
    f.protection = 0x0001;  // cell over-voltage
    f.balancing = 0x0010;   // cell 5
  }
  return f;
}

protocol::AlarmBytes PackModel::alarm_bytes(int address) const {
  protocol::AlarmBytes a;
  a.cell_warn.assign(16, 0);
  a.temp_warn.assign(6, 0);
  a.system_state = 0x06;  // CFET and DFET on
  const SimPack* p = find(address);
  if (p == nullptr) return a;
  if (p->fault == PackFault::kOverTemperature) {
    a.temp_warn[0] = 2;
    a.protect2 = 0x01;  // charge over-temperature
  }
  if (p->fault == PackFault::kCellOverVoltage) {
    a.cell_warn[4] = 2;
    a.protect1 = 0x01;  // cell over-voltage
    a.balance1 = 0x10;
  }
  return a;
}

nlohmann::json PackModel::dump() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& p : packs_) {
    const protocol::PackRecord r = record(p.address);
    const std::string n = "pack." + std::to_string(p.address) + ".";
    j[n + "current"] = *r.current_a;
    j[n + "voltage"] = *r.voltage_v;
    j[n + "soc"] = *r.soc_pct;
    j[n + "soh"] = *r.soh_pct;
    j[n + "remaining"] = *r.remaining_ah;
    j[n + "full"] = *r.full_ah;
    j[n + "design"] = *r.design_ah;
    j[n + "cycles"] = *r.cycles;
    for (std::size_t c = 0; c < r.cells_mv.size(); ++c)
      j[n + "cell." + std::to_string(c + 1)] = r.cells_mv[c];
    for (std::size_t t = 0; t < r.temps_c.size(); ++t)
      j[n + "temp." + std::to_string(t + 1)] = r.temps_c[t];
    j[n + "temp.mos"] = *r.mos_temp_c;
    j[n + "temp.ambient"] = *r.ambient_temp_c;
    j[n + "model"] = r.model;
    j[n + "serial"] = r.serial;
  }
  return j;
}

}  // namespace sb::sim
