// SPDX-License-Identifier: Apache-2.0
#include <thread>

#include "sunbridge/device/bms_sources.hpp"
#include "sunbridge/protocol/pace_modbus.hpp"

namespace sb::device {

namespace {

void wait_gap(std::chrono::steady_clock::time_point last, std::chrono::milliseconds gap) {
  std::this_thread::sleep_until(last + gap);  // bus timing is real time (PACE: >= 100 ms)
}

// Keeps firmware/model/serial, read once per pack (again after it stopped answering), on every
// later record.
void merge_info(protocol::PackRecord& r, const protocol::PackRecord& info) {
  r.firmware = info.firmware;
  r.model = info.model;
  r.serial = info.serial;
}

}  // namespace

BmsModbusPoller::BmsModbusPoller(transport::ModbusClient& client, BmsOptions options,
                                 const Clock& clock, Logger& log)
    : client_(client), options_(std::move(options)), clock_(clock), health_(options_, clock, log) {}

Result<std::vector<std::uint16_t>> BmsModbusPoller::read(std::uint16_t start, std::uint16_t count) {
  for (int attempt = 0;; ++attempt) {
    wait_gap(last_frame_, options_.frame_gap);
    ++counters_.requests;
    auto words = client_.read_holding(start, count);
    last_frame_ = std::chrono::steady_clock::now();
    if (words) return words;
    const Error& e = words.error();
    counters_.last_error = e.describe();
    if (e.kind == ErrorKind::kTimeout) ++counters_.timeouts;
    if (e.kind == ErrorKind::kException) ++counters_.refused;
    if (!e.retryable() || attempt >= options_.retries || e.kind == ErrorKind::kDisconnected ||
        stop_) {
      return e;
    }
  }
}

BmsReport BmsModbusPoller::poll() {
  BmsReport report = active_cycle(
      options_, clock_, health_, counters_,
      [this] { return client_.is_open() ? Status{} : client_.open(); },
      [this](PackReading& reading) {
        const int address = reading.pack;
        client_.set_slave(address);
        auto regs = read(protocol::kPaceAnalogStart, protocol::kPaceAnalogCount);
        if (!regs) {
          // A pack that stops answering may be swapped before it answers again (the packs are
          // switched off for that, the gateway need not be): its strings are read again.
          info_.erase(address);
          reading.error = regs.error().describe();
          return regs.error().kind != ErrorKind::kDisconnected;
        }
        auto record = protocol::decode_pace_registers(address, *regs);
        if (!record) {
          reading.error = record.error().describe();
          return true;
        }
        if (info_.count(address) == 0) {
          auto info = read(protocol::kPaceInfoStart, protocol::kPaceInfoCount);
          protocol::PackRecord strings;
          if (info && protocol::decode_pace_info(*info, strings).ok()) info_[address] = strings;
        }
        if (auto it = info_.find(address); it != info_.end()) merge_info(*record, it->second);
        reading.record = std::move(*record);
        return true;
      });
  if (report.port_lost) info_.clear();  // another pack may be behind the port when it returns
  report.port_open = client_.is_open();
  return report;
}

}  // namespace sb::device
