// SPDX-License-Identifier: Apache-2.0
#include "bench/cost.hpp"

#include <sys/resource.h>

#include <time.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace sb::bench {

namespace {

struct Sample {
  double cpu_s = 0, user_s = 0, system_s = 0, switches = 0, syscalls = 0;
};

double seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

// A "key: value" line of a /proc file (the first number after the key).
double proc_field(const char* path, const std::string& key) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) == 0) {
      std::istringstream rest(line.substr(key.size()));
      double v = 0;
      rest >> v;
      return v;
    }
  }
  return 0;
}

Sample sample() {
  rusage ru{};
  ::getrusage(RUSAGE_THREAD, &ru);
  return {
      thread_cpu_s(), seconds(ru.ru_utime), seconds(ru.ru_stime),
      static_cast<double>(ru.ru_nvcsw + ru.ru_nivcsw),
      proc_field("/proc/thread-self/io", "syscr:") + proc_field("/proc/thread-self/io", "syscw:")};
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

double thread_cpu_s() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

Cost cost_per_cycle(const std::function<void()>& cycle, int cycles) {
  const Sample before = sample();
  for (int i = 0; i < cycles; ++i)
    cycle();
  const Sample after = sample();
  const double n = cycles;
  const double cpu_s = (after.cpu_s - before.cpu_s) / n;
  const double user_s = after.user_s - before.user_s;
  const double sampled_s = user_s + (after.system_s - before.system_s);
  // No tick landed in the stretch: the split is unknown, count it all as user time.
  const double user_share = sampled_s > 0 ? user_s / sampled_s : 1.0;
  return {cpu_s * user_share, cpu_s * (1.0 - user_share), (after.switches - before.switches) / n,
          (after.syscalls - before.syscalls) / n};
}

Cost median_cost(std::vector<Cost> rounds) {
  auto of = [&](auto figure) {
    std::vector<double> v;
    for (const auto& r : rounds)
      v.push_back(figure(r));
    return median(v);
  };
  // The CPU time is the median of the rounds' totals. Adding the median user time to the median
  // system time is not: each round's split comes from a few ticks, so the two medians come from
  // different rounds and their sum can be far from every round's total (it read 0.235 ms a
  // cycle when all rounds but one had 0.18-0.19 ms). The split is the proportion over all rounds
  // together, where the ticks are most.
  const double cpu_s = of([](const Cost& c) { return c.cpu_s(); });
  double user_s = 0, all_s = 0;
  for (const auto& r : rounds) {
    user_s += r.user_s;
    all_s += r.cpu_s();
  }
  const double user_share = all_s > 0 ? user_s / all_s : 1.0;
  return {cpu_s * user_share, cpu_s * (1.0 - user_share),
          of([](const Cost& c) { return c.context_switches; }),
          of([](const Cost& c) { return c.rw_syscalls; })};
}

Paired compare_paired(const std::vector<double>& a_s, const std::vector<double>& b_s) {
  Paired p;
  const std::size_t n = std::min(a_s.size(), b_s.size());
  if (n == 0) return p;
  constexpr std::size_t kStretch = 100;
  double a_sum = 0, b_sum = 0, stretch_a = 0, stretch_b = 0;
  for (std::size_t i = 0; i < n; ++i) {
    a_sum += a_s[i];
    b_sum += b_s[i];
    stretch_a += a_s[i];
    stretch_b += b_s[i];
    if ((i + 1) % kStretch == 0) {
      p.stretch_ratios.push_back(stretch_a / stretch_b);
      stretch_a = stretch_b = 0;
    }
  }
  p.mean_a_s = a_sum / static_cast<double>(n);
  p.mean_b_s = b_sum / static_cast<double>(n);
  p.median_a_s = median({a_s.begin(), a_s.begin() + static_cast<std::ptrdiff_t>(n)});
  p.median_b_s = median({b_s.begin(), b_s.begin() + static_cast<std::ptrdiff_t>(n)});
  return p;
}

Memory process_memory() {
  return {proc_field("/proc/self/status", "VmHWM:") / 1024.0,
          (proc_field("/proc/self/smaps_rollup", "Private_Clean:") +
           proc_field("/proc/self/smaps_rollup", "Private_Dirty:")) /
              1024.0};
}

}  // namespace sb::bench
