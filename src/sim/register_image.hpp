// SPDX-License-Identifier: Apache-2.0
// The simulated SPI-10K-U's register file, transcribed from docs/inverter-registers.md
// independently of the daemon's JSON register map: a mistake in the map (an address, a scale, a
// sign) then shows up as a test failure instead of being mirrored by the simulator.
// Reproduces the device's strictness (docs/simulator.md): exception 02 on holes, 0A above 32
// registers, 03 for out-of-range writes, 07 for read-only registers, 08 for standby-only registers
// while running, 12 V-normalised voltages, SRNE current sign, hour*256+minute slots, the clock, u32
// counters low word first.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "sim/household_model.hpp"

namespace sb::sim {

struct Firmware {
  std::uint16_t protocol_raw = 208;  // 0x001C, V2.08
  std::uint16_t firmware_raw = 114;  // 0x0014, V1.14
  std::uint16_t rated_voltage = 48;  // 0xE003
  std::uint16_t slave = 1;
  bool single_mppt = false;  // like the scanned unit: 0x010F-0x020B refused
  bool real_volts = false;   // a rebrand that stores set-point voltages as real x10
  std::vector<std::pair<std::uint16_t, std::uint16_t>> extra_holes;  // inclusive ranges
  std::set<std::uint16_t> standby_only = {0xE004, 0xE209};           // 08 while running
};

// One write request as the inverter received it (what the tests assert on).
struct WriteRecord {
  std::uint16_t address = 0;
  std::vector<std::uint16_t> values;
  int exception = 0;  // 0: accepted
};

// An injected write failure for one address (control command "fail-write").
struct WriteFault {
  int exception = 0;    // answer this exception code
  bool ignore = false;  // or acknowledge without storing (the read-back then differs)
  int count = 1;        // for this many writes
};

class RegisterImage {
 public:
  RegisterImage(HouseholdModel& model, Firmware firmware);

  // FC 0x03. Returns 0 and fills `out`, or the exception code.
  int read(std::uint16_t address, std::uint16_t count, std::vector<std::uint16_t>& out) const;
  // FC 0x06 (multiple = false, one value) or FC 0x10. All-or-nothing. 0 or the exception code.
  int write(std::uint16_t address, std::span<const std::uint16_t> values, bool multiple);

  [[nodiscard]] bool implemented(std::uint16_t address) const;
  // The raw word at `address` (0 for a hole); for tests and the control socket.
  [[nodiscard]] std::uint16_t raw(std::uint16_t address) const;
  // Sets a stored (settings) register directly, bypassing checks (test set-up: "the LCD").
  bool poke(std::uint16_t address, std::uint16_t value);
  [[nodiscard]] bool running() const;

  // Every write request, oldest first (bounded: the newest 4096).
  std::vector<WriteRecord> write_log;
  std::map<std::uint16_t, WriteFault> write_faults;

  // The inverter's RTC = system time + this offset.
  std::chrono::seconds clock_offset{0};
  [[nodiscard]] Firmware& firmware() { return fw_; }
  [[nodiscard]] const std::map<std::uint16_t, std::uint16_t>& stored() const { return stored_; }

 private:
  struct Setting {
    std::uint16_t min;
    std::uint16_t max;
    bool hhmm;
  };
  [[nodiscard]] std::uint16_t live_word(std::uint16_t address) const;
  int check_write(std::uint16_t address, std::uint16_t value) const;
  int write_unlogged(std::uint16_t address, std::span<const std::uint16_t> values, bool multiple);
  void apply_to_model(std::uint16_t address, std::uint16_t value);

  HouseholdModel& model_;
  Firmware fw_;
  std::map<std::uint16_t, std::uint16_t> stored_;  // settings and other non-volatile words
  std::map<std::uint16_t, Setting> settings_;
};

}  // namespace sb::sim
