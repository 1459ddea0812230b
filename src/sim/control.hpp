// SPDX-License-Identifier: Apache-2.0
// The simulator's control socket: JSON requests, one per line, to read its state and inject
// faults while it runs (tests, the demo, by hand with `sunbridge-sim-ctl`-style scripts).
#pragma once

#include <nlohmann/json.hpp>

#include "sim/household_model.hpp"
#include "sim/modbus_server.hpp"
#include "sim/pack_model.hpp"
#include "sim/pack_servers.hpp"
#include "sim/register_image.hpp"
#include "sim/replay.hpp"
#include "sim/solarman_server.hpp"

namespace sb::sim {

struct SimState {
  HouseholdModel& model;
  RegisterImage& image;
  ModbusServer& server;
  FaultPlan& faults;
  PackModel& packs;
  PackFaults& pack_faults;
  const PaceModbusServer* pack_modbus = nullptr;
  const PaceAsciiServer* pack_ascii = nullptr;
  const SniffPlayer* sniff = nullptr;
  const Replay* replay = nullptr;
  SolarmanServer* solarman = nullptr;
};

// Executes one control request and returns the reply ({"ok": true, ...} or {"ok": false,
// "error": ...}). Commands: ping, dump, set, get-reg, poke, state, charge-state, faults, freeze,
// drop, corrupt, noise, drop-rate, corrupt-rate, delay, turnaround, pacing, disappear, appear,
// clock-offset, hole, clear-holes, stats, fan (degradation), replay (position); packs: pack-dump,
// pack-silent, pack-fault, pack-set, pack-corrupt, pack-stats; the Solarman logger: solarman
// (quirks, stats), solarman-reset. See docs/simulator.md.
nlohmann::json control(SimState& sim, const nlohmann::json& request);

}  // namespace sb::sim
