// SPDX-License-Identifier: Apache-2.0
// `sunbridge-bench history`: what the history costs an SD card. Time-accelerated: the daemon's
// poll, sample and commit cadence (10 s polls, 60 s samples, 300 s pack samples, 10-minute commits,
// hourly prunes, the default keeping times) through the real HistoryStore, with the daemon's
// points (the register map's live values, the bank and four packs of 16 cells), on simulated
// time. Prints the bytes each tier adds per day, the bytes the process wrote per day (the WAL
// and its checkpoints included), and the database after a simulated year.
#pragma once

namespace sb::bench {

struct HistoryOptions {
  int days = 2;         // measured for the per-day figures
  int year_days = 365;  // simulated for the database size (0: skip)
  int prune_s = 3600;   // the daemon prunes hourly
  int commit_s = 600;   // storage.commit_interval_s (the daemon's default)
  bool json = false;
};

int run_history(const HistoryOptions& options);

}  // namespace sb::bench
