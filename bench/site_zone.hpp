// SPDX-License-Identifier: Apache-2.0
// The benchmarks run with the site's time zone set, as the daemon does: the decoded inverter
// clock goes through mktime, and without TZ glibc checks /etc/localtime on every call, which the
// daemon never pays.
#pragma once

#include <cstdio>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/core/local_time.hpp"

namespace sb::bench {

// False (with a message on stderr) when the zone cannot be set.
inline bool use_site_timezone() {
  if (Status tz = set_process_timezone(adapters::Config{}.site.timezone); !tz) {
    std::fprintf(stderr, "sunbridge-bench: %s\n", tz.error().describe().c_str());
    return false;
  }
  return true;
}

}  // namespace sb::bench
