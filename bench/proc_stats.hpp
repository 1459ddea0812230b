// SPDX-License-Identifier: Apache-2.0
// What /proc says of a process the benchmarks started: a field of /proc/PID/status in kB
// (VmHWM:, VmRSS:), and the CPU time it has used.
#pragma once

#include <sys/types.h>

#include <string>

namespace sb::bench {

// The field's value in kB; -1 when the process or the field is not there.
double proc_status_kb(pid_t pid, const std::string& field);
// User + system CPU seconds so far (/proc/PID/stat fields 14 and 15).
double proc_cpu_s(pid_t pid);

}  // namespace sb::bench
