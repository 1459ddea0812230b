// SPDX-License-Identifier: Apache-2.0
// What a stretch of work costs this thread: CPU (the total from the thread's CPU clock, split into
// user and system in getrusage's proportion), context switches and read/write system calls, from
// getrusage(RUSAGE_THREAD) and /proc/thread-self/io; and the process's memory (peak RSS, private
// RSS from /proc/self/smaps_rollup).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace sb::bench {

struct Cost {
  // user_s + system_s is the thread's CPU clock (CLOCK_THREAD_CPUTIME_ID), exact to the
  // nanosecond. getrusage alone is not: it leaves out the time since the thread was last
  // descheduled, so a stretch that never sleeps reads as almost nothing. The kernel's split into
  // user and system is sampled at its tick and is only a proportion.
  double user_s = 0, system_s = 0;
  double context_switches = 0;  // voluntary + involuntary
  double rw_syscalls = 0;       // read- and write-class system calls (/proc: syscr + syscw)
  [[nodiscard]] double cpu_s() const { return user_s + system_s; }
};

// This thread's CPU clock (CLOCK_THREAD_CPUTIME_ID), in seconds.
double thread_cpu_s();

// Runs `cycle` `cycles` times and returns the cost of one, on average.
Cost cost_per_cycle(const std::function<void()>& cycle, int cycles);
// The median over rounds of each figure (CPU: of the totals, split in the rounds' overall
// proportion).
Cost median_cost(std::vector<Cost> rounds);

// Two loops timed cycle by cycle, alternately: the CPU a cycle of each (mean and median) and the
// ratio of the first to the second. The ratio is also taken over each stretch of 100 pairs, whose
// spread says how far the whole can be trusted.
struct Paired {
  double mean_a_s = 0, mean_b_s = 0, median_a_s = 0, median_b_s = 0;
  std::vector<double> stretch_ratios;  // mean a / mean b over each 100 pairs, in order
  [[nodiscard]] double ratio() const { return mean_a_s / mean_b_s; }
  [[nodiscard]] double median_ratio() const { return median_a_s / median_b_s; }
};
Paired compare_paired(const std::vector<double>& a_s, const std::vector<double>& b_s);

struct Memory {
  double peak_rss_mb = 0;     // VmHWM
  double private_rss_mb = 0;  // Private_Clean + Private_Dirty
};
Memory process_memory();

}  // namespace sb::bench
