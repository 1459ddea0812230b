// SPDX-License-Identifier: Apache-2.0
// Whether the system clock can be trusted. A Raspberry Pi has no real-time clock: after a boot
// without network it starts from the last saved time (or 1970) until NTP corrects it. Writing
// that time into the inverter would move the night-charge window into day rates, and the
// season, the weather rows and the expiry of remote commands would all be judged on it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "sunbridge/core/clock.hpp"

namespace sb {

struct TimeSyncState {
  bool synced = false;
  std::string source;  // "kernel" or "trust"
  std::string detail;  // what the source says, for the log, the event and doctor
};

class TimeSyncSource {
 public:
  virtual ~TimeSyncSource() = default;
  [[nodiscard]] virtual TimeSyncState read(WallTime now) const = 0;
};

// The earliest time this program can be running at: its build date (UTC midnight). A system clock
// before it is wrong, whatever else says it is synchronised.
WallTime build_date();

// The decision, apart from the kernel: synchronised when the kernel says so (adjtimex without
// STA_UNSYNC, which systemd-timesyncd and chrony clear once they have set the time) and the time
// is not before the build date.
TimeSyncState judge_kernel_sync(bool kernel_unsync, int adjtimex_state, WallTime now,
                                WallTime built);

// The kernel's view, through adjtimex(2) (read-only: no privilege needed).
class KernelTimeSync final : public TimeSyncSource {
 public:
  [[nodiscard]] TimeSyncState read(WallTime now) const override;
};

// For machines with a good clock but no NTP client to say so (some VMs and containers): the
// system time is taken as right. The installer chooses this (site.time_source = "trust").
class TrustedTimeSync final : public TimeSyncSource {
 public:
  [[nodiscard]] TimeSyncState read(WallTime now) const override;
};

// The source site.time_source names: "trust", else the kernel.
std::unique_ptr<TimeSyncSource> make_time_sync(std::string_view source);

}  // namespace sb
