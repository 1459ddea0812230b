// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/device/settings_transaction.hpp"

#include <thread>

namespace sb::device {

namespace {

std::string words_text(const std::vector<std::uint16_t>& w) {
  std::string s;
  for (auto x : w)
    s += (s.empty() ? "" : " ") + std::to_string(x);
  return s;
}

// Writes `words` and reads them back after the settle delay. Error text on failure.
std::optional<std::string> write_verified(InverterLink& link, const RegisterWrite& target,
                                          const std::vector<std::uint16_t>& words,
                                          std::chrono::milliseconds settle, WriteStep& step) {
  ++step.frames_written;
  Status s = link.write_registers(target.address, words);
  // A write that timed out may still have been applied: read back in every case.
  std::this_thread::sleep_for(settle);
  auto back = link.read_registers(target.address, static_cast<std::uint16_t>(words.size()));
  if (back) step.readback = *back;
  if (!s)
    return "write " + protocol::format_address(target.address) + " failed: " + s.error().describe();
  if (!back)
    return "read-back of " + protocol::format_address(target.address) +
           " failed: " + back.error().describe();
  if (*back != words) {
    return "read-back of " + protocol::format_address(target.address) + " is " + words_text(*back) +
           ", wrote " + words_text(words);
  }
  return std::nullopt;
}

}  // namespace

const char* to_string(StepResult r) {
  switch (r) {
    case StepResult::kUnchanged:
      return "unchanged";
    case StepResult::kWritten:
      return "written";
    case StepResult::kFailed:
      return "failed";
    case StepResult::kRolledBack:
      return "rolled-back";
    case StepResult::kRollbackFailed:
      return "rollback-failed";
    case StepResult::kNotAttempted:
      return "not-attempted";
    case StepResult::kPlanned:
      return "planned";
  }
  return "?";
}

int TransactionReport::frames_written() const {
  int n = 0;
  for (const WriteStep& s : steps)
    n += s.frames_written;
  return n;
}

TransactionReport run_settings_transaction(InverterLink& link,
                                           const std::vector<RegisterWrite>& writes,
                                           const TransactionOptions& options) {
  TransactionReport report;
  for (const RegisterWrite& w : writes)
    report.steps.push_back(WriteStep{w, {}, {}, {}, {}, 0});

  // 1. Fresh read of every target: the diff must not rest on a poll minutes old (the LCD may
  //    have changed since).
  for (WriteStep& step : report.steps) {
    auto now = link.read_registers(step.target.address,
                                   static_cast<std::uint16_t>(step.target.words.size()));
    if (!now) {
      report.refused = true;
      report.reason = "cannot read " + step.target.param + " (" +
                      protocol::format_address(step.target.address) +
                      ") before writing: " + now.error().describe();
      return report;
    }
    step.before = *now;
    step.result = *now == step.target.words ? StepResult::kUnchanged : StepResult::kNotAttempted;
  }

  // 2. The budget decides on what would really be written.
  std::map<std::string, int> needed;
  int total = 0;
  for (const WriteStep& step : report.steps) {
    if (step.result == StepResult::kUnchanged) continue;
    ++needed[step.target.param];
    ++total;
  }
  if (options.allowance.total && total > *options.allowance.total) {
    report.refused = true;
    report.reason = "write budget: " + std::to_string(total) + " writes needed, " +
                    std::to_string(*options.allowance.total) + " left today";
    return report;
  }
  for (const auto& [param, n] : needed) {
    auto it = options.allowance.per_param.find(param);
    if (it != options.allowance.per_param.end() && n > it->second) {
      report.refused = true;
      report.reason =
          "write budget for " + param + ": " + std::to_string(it->second) + " writes left today";
      return report;
    }
  }

  if (options.dry_run) {
    for (WriteStep& step : report.steps) {
      if (step.result != StepResult::kUnchanged) step.result = StepResult::kPlanned;
    }
    report.ok = true;
    return report;
  }

  // 3. Write in order; stop at the first failure.
  std::optional<std::size_t> failed;
  for (std::size_t i = 0; i < report.steps.size(); ++i) {
    WriteStep& step = report.steps[i];
    if (step.result == StepResult::kUnchanged) continue;
    if (auto err = write_verified(link, step.target, step.target.words, options.settle, step)) {
      step.result = StepResult::kFailed;
      step.error = *err;
      failed = i;
      break;
    }
    step.result = StepResult::kWritten;
  }
  if (!failed) {
    report.ok = true;
    return report;
  }
  report.reason = report.steps[*failed].target.param + ": " + report.steps[*failed].error;

  // 4. Roll back, newest first. The failed step is restored too when its read-back shows it
  //    took (partly) effect or is unknown.
  report.rolled_back = true;
  for (std::size_t k = *failed + 1; k-- > 0;) {
    WriteStep& step = report.steps[k];
    if (step.result != StepResult::kWritten && step.result != StepResult::kFailed) continue;
    if (step.result == StepResult::kFailed && step.readback && step.readback == step.before) {
      continue;  // the refused write changed nothing
    }
    const bool was_failed = step.result == StepResult::kFailed;
    if (auto err = write_verified(link, step.target, *step.before, options.settle, step)) {
      step.result = StepResult::kRollbackFailed;
      step.error += (step.error.empty() ? "" : "; ") + std::string("rollback: ") + *err;
      report.reason += "; rollback of " + step.target.param + " failed";
    } else if (!was_failed) {
      step.result = StepResult::kRolledBack;
    }
  }
  return report;
}

}  // namespace sb::device
