// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/device/bms.hpp"

namespace sb::device {

BmsReport BmsSource::active_cycle(const BmsOptions& options, const Clock& clock, PackHealth& health,
                                  PortCounters& counters, const std::function<Status()>& open_port,
                                  const std::function<bool(PackReading&)>& read_pack) {
  BmsReport report;
  report.started = clock.wall_now();
  if (Status s = open_port(); !s) {
    report.port_lost = true;
    counters.last_error = s.error().describe();
  }
  for (int address : options.addresses) {
    PackReading reading;
    reading.pack = address;
    if (report.port_lost || stop_) {
      reading.error = report.port_lost ? "port: " + counters.last_error : "stopping";
    } else if (!read_pack(reading)) {
      report.port_lost = true;
    }
    report.packs.push_back(std::move(reading));
  }
  report.counters = counters;
  health.record(report.packs, report.port_lost);
  report.finished = clock.wall_now();
  return report;
}

}  // namespace sb::device
