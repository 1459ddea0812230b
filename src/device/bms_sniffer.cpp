// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/device/bms_sources.hpp"
#include "sunbridge/protocol/pace_modbus.hpp"
#include "sunbridge/protocol/rtu_frame.hpp"

namespace sb::device {

using protocol::AsciiFrame;
using protocol::RecognizedFrame;

namespace {

// RTN codes a response can carry (bms.md section 4); anything else in CID2 is a command.
bool is_rtn(std::uint8_t cid2) {
  return cid2 <= 0x06 || cid2 == 0x90 || cid2 == 0x91;
}

}  // namespace

BmsSniffer::BmsSniffer(transport::SerialReader& reader, BmsOptions options, const Clock& clock,
                       Logger& log)
    : reader_(reader), options_(std::move(options)), clock_(clock), health_(options_, clock, log) {}

void BmsSniffer::take(const RecognizedFrame& frame, WallTime now) {
  switch (frame.kind) {
    case RecognizedFrame::Kind::kRtuResponse: {
      if (!frame.request) return;  // a reply to a request we did not see
      auto words = protocol::decode_read_response(frame.bytes, *frame.request);
      if (!words) return;
      const int pack = frame.request->slave;
      const auto start = frame.request->start;
      if (start <= protocol::kPaceAnalogStart &&
          start + words->size() >= protocol::kPaceAnalogStart + protocol::kPaceAnalogCount) {
        std::span<const std::uint16_t> regs(*words);
        auto record = protocol::decode_pace_registers(
            pack, regs.subspan(protocol::kPaceAnalogStart - start, protocol::kPaceAnalogCount));
        if (record) {
          if (auto it = info_.find(pack); it != info_.end()) {
            record->firmware = it->second.firmware;
            record->model = it->second.model;
            record->serial = it->second.serial;
          }
          seen_[pack] = std::move(*record);
          last_seen_[pack] = now;
        }
      } else if (start == protocol::kPaceInfoStart && words->size() == protocol::kPaceInfoCount) {
        (void)protocol::decode_pace_info(*words, info_[pack]);
      }
      return;
    }
    case RecognizedFrame::Kind::kRtuException:
      ++counters_.refused;
      return;
    case RecognizedFrame::Kind::kAscii: {
      auto parsed = protocol::parse_frame(std::string(frame.bytes.begin(), frame.bytes.end()));
      if (!parsed) return;
      const bool response =
          pending_ascii_ && is_rtn(parsed->cid2) && parsed->adr == pending_ascii_->adr;
      if (!response) {
        pending_ascii_ = *parsed;  // a request from the inverter
        return;
      }
      const AsciiFrame request = *pending_ascii_;
      pending_ascii_.reset();
      const std::uint8_t command = request.cid2;
      if (parsed->cid2 != 0) {
        ++counters_.refused;
        return;
      }
      if (command == protocol::kCmdAnalog) {
        auto record = protocol::decode_analog(*parsed, options_.dialect);
        if (!record) return;
        const int pack = record->pack;
        if (auto f = flags_.find(pack); f != flags_.end()) {
          record->warnings = f->second.warnings;
          record->protections = f->second.protections;
          record->faults = f->second.faults;
          record->states = f->second.states;
          record->balancing = f->second.balancing;
          record->has_flags = true;
        }
        if (auto it = info_.find(pack); it != info_.end()) {
          record->model = it->second.model;
          record->serial = it->second.serial;
        }
        seen_[pack] = std::move(*record);
        last_seen_[pack] = now;
      } else if (command == protocol::kCmdAlarm) {
        if (auto flags = protocol::decode_alarm(*parsed, options_.dialect))
          flags_[flags->pack] = *flags;
      } else if (command == protocol::kCmdHardwareVersion || command == protocol::kCmdSerial) {
        // The target pack is the request's INFO byte (or its address when it has none).
        const int pack = request.info.empty() ? request.adr : request.info.front();
        if (auto text = protocol::decode_text_info(*parsed)) {
          (command == protocol::kCmdHardwareVersion ? info_[pack].model : info_[pack].serial) =
              *text;
        }
      }
      return;
    }
    default:
      return;
  }
}

BmsReport BmsSniffer::poll() {
  BmsReport report;
  report.started = clock_.wall_now();
  bool port_lost = false;
  if (!reader_.is_open()) {
    if (Status s = reader_.open(); !s) {
      port_lost = true;
      counters_.last_error = s.error().describe();
    }
  }
  seen_.clear();
  const auto deadline = std::chrono::steady_clock::now() + options_.sniff_window;
  std::uint8_t buf[1024];
  while (!port_lost && !stop_ && std::chrono::steady_clock::now() < deadline) {
    auto n = reader_.read(buf, options_.line_idle);
    if (!n) {
      port_lost = true;
      counters_.last_error = n.error().describe();
      break;
    }
    if (*n == 0) {
      recognizer_.line_idle();  // silence: a partial frame will not be completed
    } else {
      recognizer_.feed(std::span(buf, *n));
    }
    while (auto frame = recognizer_.next())
      take(*frame, clock_.wall_now());
  }
  const WallTime now = clock_.wall_now();
  for (int address : options_.addresses) {
    PackReading reading;
    reading.pack = address;
    if (auto it = seen_.find(address); it != seen_.end()) {
      reading.record = it->second;
    } else if (port_lost) {
      reading.error = "port: " + counters_.last_error;
    } else {
      auto last = last_seen_.find(address);
      const bool recent =
          last != last_seen_.end() && now - last->second < options_.sniff_stale_after;
      reading.due = !recent;
      reading.error =
          last == last_seen_.end() ? "not seen on the bus yet" : "not seen on the bus for a while";
    }
    report.packs.push_back(std::move(reading));
  }
  if (port_lost) reader_.close();
  counters_.stream = recognizer_.counters();
  report.counters = counters_;
  report.port_open = reader_.is_open();
  health_.record(report.packs, port_lost);
  report.finished = clock_.wall_now();
  return report;
}

}  // namespace sb::device
