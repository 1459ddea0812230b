// SPDX-License-Identifier: Apache-2.0
// One settings change on the inverter as a transaction: read every target register fresh, write
// only those that differ (in the given order), read each back after a settle delay, and on any
// failure restore what was written so far, newest first. Runs on the bus owner's thread.
// Why: docs/inverter-registers.md, "Settings" (exception 08, read-back, write only what
// differs).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sunbridge/device/inverter_link.hpp"

namespace sb::device {

struct RegisterWrite {
  std::string param;  // LCD id ("07") or "clock"
  std::uint16_t address = 0;
  std::vector<std::uint16_t> words;
};

enum class StepResult {
  kUnchanged,       // already at the target: not written
  kWritten,         // written and read back equal
  kFailed,          // the write or its read-back failed (the reason is in `error`)
  kRolledBack,      // written, then restored after a later failure
  kRollbackFailed,  // could not be restored: the inverter may hold the new value
  kNotAttempted,    // a failure earlier in the transaction stopped it
  kPlanned,         // dry run: would be written
};
const char* to_string(StepResult r);

struct WriteStep {
  RegisterWrite target;
  std::optional<std::vector<std::uint16_t>> before;    // fresh read before the transaction
  std::optional<std::vector<std::uint16_t>> readback;  // after the write (or the rollback)
  StepResult result = StepResult::kNotAttempted;
  std::string error;
  int frames_written = 0;  // write requests sent for this step, rollback included (wear count)
};

// How many more writes the budget allows (checked after the fresh read, before any write).
struct WriteAllowance {
  std::map<std::string, int> per_param;  // absent: unlimited
  std::optional<int> total;
};

struct TransactionOptions {
  std::chrono::milliseconds settle{300};  // between a write and its read-back
  bool dry_run = false;                   // read and diff only
  WriteAllowance allowance;
};

struct TransactionReport {
  bool ok = false;
  bool rolled_back = false;
  bool refused = false;  // nothing written: read failure, or the budget does not allow it
  std::string reason;    // empty when ok
  std::vector<WriteStep> steps;
  [[nodiscard]] int frames_written() const;
};

TransactionReport run_settings_transaction(InverterLink& link,
                                           const std::vector<RegisterWrite>& writes,
                                           const TransactionOptions& options);

}  // namespace sb::device
