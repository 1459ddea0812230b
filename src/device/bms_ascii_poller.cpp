// SPDX-License-Identifier: Apache-2.0
#include <thread>

#include "sunbridge/device/bms_sources.hpp"

namespace sb::device {

using protocol::AsciiFrame;

BmsAsciiPoller::BmsAsciiPoller(transport::SerialPort& port, BmsOptions options, const Clock& clock,
                               Logger& log)
    : port_(port), options_(std::move(options)), clock_(clock), health_(options_, clock, log) {}

Result<AsciiFrame> BmsAsciiPoller::transact(std::uint8_t command, std::uint8_t target) {
  const std::string request = protocol::encode_request(
      options_.ascii_version, static_cast<std::uint8_t>(options_.master), command, target);
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(request.data()),
                                            request.size());
  Error last = Error::timeout();
  for (int attempt = 0; attempt <= options_.retries && !stop_; ++attempt) {
    std::this_thread::sleep_until(last_frame_ + options_.frame_gap);
    port_.discard_input();
    ++counters_.requests;
    if (Status s = port_.write(bytes); !s) {
      last_frame_ = std::chrono::steady_clock::now();
      return s.error();
    }
    const auto deadline = std::chrono::steady_clock::now() + options_.response_timeout;
    std::uint8_t buf[512];
    bool answered = false;
    while (!answered) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      auto n = port_.read(buf, left);
      if (!n) {
        last_frame_ = std::chrono::steady_clock::now();
        return n.error();
      }
      recognizer_.feed(std::span(buf, *n));
      while (auto frame = recognizer_.next()) {
        if (frame->kind != protocol::RecognizedFrame::Kind::kAscii) continue;
        auto parsed = protocol::parse_frame(std::string(frame->bytes.begin(), frame->bytes.end()));
        if (!parsed || parsed->adr != options_.master) continue;  // not the master's answer
        last_frame_ = std::chrono::steady_clock::now();
        if (parsed->cid2 != 0) ++counters_.refused;
        return *parsed;
      }
    }
    last_frame_ = std::chrono::steady_clock::now();
    recognizer_.line_idle();
    ++counters_.timeouts;
    last = Error::timeout("no answer to command " + std::to_string(command) + " for pack " +
                          std::to_string(target));
  }
  counters_.last_error = last.describe();
  return last;
}

BmsReport BmsAsciiPoller::poll() {
  BmsReport report = active_cycle(
      options_, clock_, health_, counters_,
      [this] { return port_.is_open() ? Status{} : port_.open(); },
      [this](PackReading& reading) { return read_pack(reading); });
  if (report.port_lost) {
    port_.close();
    info_.clear();
  }
  report.counters.stream = recognizer_.counters();
  report.port_open = port_.is_open();
  return report;
}

bool BmsAsciiPoller::read_pack(PackReading& reading) {
  const int address = reading.pack;
  const auto target = static_cast<std::uint8_t>(address);
  auto analog = transact(protocol::kCmdAnalog, target);
  if (!analog) {
    // A pack that stops answering may be swapped before it answers again (the packs are
    // switched off for that, the gateway need not be): its model and serial are read again.
    info_.erase(address);
    reading.error = analog.error().describe();
    return analog.error().kind != ErrorKind::kDisconnected;
  }
  auto record = protocol::decode_analog(*analog, options_.dialect);
  if (!record || record->pack != address) {
    reading.error = record ? "the master answered for pack " + std::to_string(record->pack)
                           : record.error().describe();
    return true;
  }
  if (auto alarm = transact(protocol::kCmdAlarm, target)) {
    if (auto flags = protocol::decode_alarm(*alarm, options_.dialect);
        flags && flags->pack == address) {
      record->warnings = flags->warnings;
      record->protections = flags->protections;
      record->faults = flags->faults;
      record->states = flags->states;
      record->balancing = flags->balancing;
      record->has_flags = true;
    }
  }
  if (info_.count(address) == 0) {
    protocol::PackRecord strings;
    if (auto hw = transact(protocol::kCmdHardwareVersion, target)) {
      if (auto text = protocol::decode_text_info(*hw)) strings.model = *text;
    }
    if (auto sn = transact(protocol::kCmdSerial, target)) {
      if (auto text = protocol::decode_text_info(*sn)) strings.serial = *text;
    }
    info_[address] = strings;
  }
  record->model = info_[address].model;
  record->serial = info_[address].serial;
  reading.record = std::move(*record);
  return true;
}

}  // namespace sb::device
