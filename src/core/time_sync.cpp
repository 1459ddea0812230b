// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/core/time_sync.hpp"

#include <sys/timex.h>

#include <cerrno>
#include <cstring>

#include "sunbridge/core/local_time.hpp"

#ifndef SUNBRIDGE_BUILD_DATE_UNIX_S
#error "SUNBRIDGE_BUILD_DATE_UNIX_S must be defined by the build (src/CMakeLists.txt)"
#endif

namespace sb {

WallTime build_date() {
  return WallTime(std::chrono::seconds(SUNBRIDGE_BUILD_DATE_UNIX_S));
}

TimeSyncState judge_kernel_sync(bool kernel_unsync, int adjtimex_state, WallTime now,
                                WallTime built) {
  TimeSyncState s;
  s.source = "kernel";
  if (now < built) {
    s.synced = false;
    s.detail = "the system time " + format_iso8601_utc(now) +
               " is before this program was built (" + format_iso8601_utc(built) + ")";
    return s;
  }
  if (adjtimex_state == -1) {
    s.detail = "the kernel's time status cannot be read";
    return s;
  }
  s.synced = !kernel_unsync;
  s.detail = s.synced ? "the kernel says the clock is synchronised (NTP)"
                      : "the kernel says the clock is not synchronised: no NTP client has set it "
                        "(systemd-timesyncd or chrony); set site.time_source to \"trust\" on a "
                        "machine whose clock is right without one";
  return s;
}

TimeSyncState KernelTimeSync::read(WallTime now) const {
  timex t{};  // modes 0: read only
  const int state = ::adjtimex(&t);
  return judge_kernel_sync((t.status & STA_UNSYNC) != 0, state, now, build_date());
}

TimeSyncState TrustedTimeSync::read(WallTime /*now*/) const {
  return {true, "trust", "the system time is trusted as it is (site.time_source = \"trust\")"};
}

std::unique_ptr<TimeSyncSource> make_time_sync(std::string_view source) {
  if (source == "trust") return std::make_unique<TrustedTimeSync>();
  return std::make_unique<KernelTimeSync>();
}

}  // namespace sb
