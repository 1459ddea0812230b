// SPDX-License-Identifier: Apache-2.0
#include "sim/pack_servers.hpp"

#include <unistd.h>

#include <algorithm>

#include "sim/pack_frames.hpp"
#include "sunbridge/protocol/rtu_frame.hpp"
#include "sunbridge/protocol/rtu_wire.hpp"

namespace sb::sim {

namespace {

using protocol::AsciiFrame;

std::vector<std::uint8_t> to_bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

// A wrong checksum: the last byte of an RTU frame, a checksum character of an ASCII frame.
void corrupt(std::vector<std::uint8_t>& frame, bool ascii) {
  std::uint8_t& b = frame[frame.size() - (ascii ? 2 : 1)];
  b = ascii ? (b == '0' ? '1' : '0') : static_cast<std::uint8_t>(b ^ 0x5A);
}

void write_all(int fd, const std::vector<std::uint8_t>& bytes) {
  ssize_t ignored = ::write(fd, bytes.data(), bytes.size());
  (void)ignored;  // a full pty buffer means nobody listens: the bytes are lost, as on a wire
}

EventLoop::Clock::time_point release_time(const PackServeOptions& o, std::size_t request,
                                          std::size_t answer) {
  auto t = EventLoop::Clock::now() + o.turnaround;
  if (o.pacing) t += protocol::transaction_wire_time(request, answer, o.baud);
  return t;
}

// The master's answer to one ASCII request, or nothing (a silent or unknown pack).
std::optional<AsciiFrame> ascii_answer(const PackModel& packs, const AsciiFrame& req, int master) {
  AsciiFrame a{req.ver, req.adr, req.cid1, 0, {}};
  const int target = req.info.empty() ? req.adr : req.info.front();
  const SimPack* p = packs.find(target);
  if (req.cid2 == protocol::kCmdPackCount) {
    a.info = {static_cast<std::uint8_t>(packs.count())};
    return a;
  }
  if (p == nullptr) {
    a.cid2 = 0x06;  // invalid data: no such pack behind this master
    return a;
  }
  if (p->silent) return std::nullopt;
  (void)master;
  switch (req.cid2) {
    case protocol::kCmdAnalog:
      a.info = pace_ascii_analog(packs.record(target));
      break;
    case protocol::kCmdAlarm:
      a.info = pace_ascii_alarm(target, packs.alarm_bytes(target));
      break;
    case protocol::kCmdHardwareVersion:
    case protocol::kCmdSerial: {
      const std::string& text = req.cid2 == protocol::kCmdHardwareVersion ? p->model : p->serial;
      a.info.assign(text.begin(), text.end());
      a.info.resize(20, 0);
      break;
    }
    default:
      a.cid2 = 0x04;  // CID2 invalid
  }
  return a;
}

}  // namespace

// --- request/answer servers ------------------------------------------------------------------

PackRequestServer::PackRequestServer(EventLoop& loop, PackModel& packs, std::string link,
                                     PackServeOptions options, PackFaults& faults)
    : packs_(packs), options_(options), faults_(faults), loop_(loop), pty_(std::move(link)) {}

PackRequestServer::~PackRequestServer() {
  if (pty_.is_open()) loop_.unwatch(pty_.master_fd());
}

Status PackRequestServer::start() {
  if (Status s = pty_.open(); !s) return s;
  loop_.watch(pty_.master_fd(), POLLIN, [this](short) { on_readable(); });
  return {};
}

void PackRequestServer::on_readable() {
  std::uint8_t buf[512];
  ssize_t n = ::read(pty_.master_fd(), buf, sizeof buf);
  if (n <= 0) return;
  rx_.feed(std::span(buf, static_cast<std::size_t>(n)));
  while (auto frame = rx_.next())
    answer(*frame);
}

void PackRequestServer::send_later(std::size_t request_bytes, std::vector<std::uint8_t> bytes) {
  const auto at = release_time(options_, request_bytes, bytes.size());
  loop_.schedule_at(at, [this, bytes = std::move(bytes)] { write_all(pty_.master_fd(), bytes); });
}

// --- PACE Modbus ------------------------------------------------------------------------------

void PaceModbusServer::answer(const protocol::RecognizedFrame& frame) {
  if (frame.kind != protocol::RecognizedFrame::Kind::kRtuRequest) return;
  auto req = protocol::decode_read_request(frame.bytes);
  if (!req) return;
  ++stats_.requests;
  const SimPack* p = packs_.find(req->slave);
  if (p == nullptr || p->silent) return;  // nobody at that address answers
  std::vector<std::uint8_t> answer;
  const int end = req->start + req->count;
  if (req->start == protocol::kPaceAnalogStart && end <= protocol::kPaceAnalogCount) {
    auto regs = pace_modbus_registers(packs_.record(req->slave), packs_.flag_words(req->slave));
    answer = protocol::encode_read_response(req->slave, std::span(regs).first(req->count));
  } else if (req->start >= protocol::kPaceInfoStart &&
             end <= protocol::kPaceInfoStart + protocol::kPaceInfoCount) {
    auto regs = pace_modbus_strings(packs_.record(req->slave));
    answer = protocol::encode_read_response(
        req->slave, std::span(regs).subspan(req->start - protocol::kPaceInfoStart, req->count));
  } else {
    answer = protocol::encode_exception_response(req->slave, 0x03, 0x02);
  }
  if (faults_.corrupt_modbus > 0) {
    --faults_.corrupt_modbus;
    ++stats_.corrupted;
    corrupt(answer, false);
  }
  ++stats_.answers;
  send_later(frame.bytes.size(), std::move(answer));
}

// --- PACE v25 ASCII ---------------------------------------------------------------------------

void PaceAsciiServer::answer(const protocol::RecognizedFrame& frame) {
  if (frame.kind != protocol::RecognizedFrame::Kind::kAscii) return;
  auto req = protocol::parse_frame(std::string(frame.bytes.begin(), frame.bytes.end()));
  if (!req || req->adr != options_.master) return;  // only the master is on this console
  ++stats_.requests;
  auto reply = ascii_answer(packs_, *req, options_.master);
  if (!reply) return;
  auto bytes = to_bytes(protocol::encode_frame(*reply));
  if (faults_.corrupt_ascii > 0) {
    --faults_.corrupt_ascii;
    ++stats_.corrupted;
    corrupt(bytes, true);
  }
  ++stats_.answers;
  send_later(frame.bytes.size(), std::move(bytes));
}

// --- the inverter <-> master exchange for a passive tap ----------------------------------------

SniffPlayer::SniffPlayer(EventLoop& loop, PackModel& packs, std::string link, bool ascii,
                         std::chrono::milliseconds period, PackServeOptions options,
                         PackFaults& faults)
    : loop_(loop),
      packs_(packs),
      pty_(std::move(link)),
      ascii_(ascii),
      period_(period),
      options_(options),
      faults_(faults) {}

SniffPlayer::~SniffPlayer() {
  if (pty_.is_open()) loop_.unwatch(pty_.master_fd());
}

Status SniffPlayer::start() {
  // Non-blocking: when nobody listens, the line carries the exchange anyway and bytes are lost.
  if (Status s = pty_.open(/*nonblocking=*/true); !s) return s;
  // Anything readable here was written by the listener: a passive tap must never transmit.
  loop_.watch(pty_.master_fd(), POLLIN, [this](short) {
    std::uint8_t buf[256];
    ssize_t n;
    while ((n = ::read(pty_.master_fd(), buf, sizeof buf)) > 0) {
      stats_.bytes_from_listener += static_cast<std::uint64_t>(n);
    }
  });
  loop_.schedule_after(period_, [this] { play(); });
  return {};
}

void SniffPlayer::emit(const std::vector<std::uint8_t>& bytes) {
  write_all(pty_.master_fd(), bytes);
}

void SniffPlayer::play() {
  if (packs_.count() == 0) {
    loop_.schedule_after(period_, [this] { play(); });
    return;
  }
  const int address = next_ + 1;
  next_ = (next_ + 1) % packs_.count();
  // The inverter asks for the strings now and then (every 2nd round per pack here), not only once:
  // a tap opened later must still see them.
  const bool with_info = (rounds_ / packs_.count()) % 2 == 0;
  ++rounds_;
  const SimPack* p = packs_.find(address);
  std::vector<std::pair<std::vector<std::uint8_t>, std::vector<std::uint8_t>>> exchanges;
  if (ascii_) {
    std::vector<std::uint8_t> commands = {protocol::kCmdAnalog, protocol::kCmdAlarm};
    if (with_info) {
      commands.push_back(protocol::kCmdHardwareVersion);
      commands.push_back(protocol::kCmdSerial);
    }
    for (std::uint8_t cmd : commands) {
      AsciiFrame req{0x25,
                     static_cast<std::uint8_t>(options_.master),
                     protocol::kCid1LiFePO4,
                     cmd,
                     {static_cast<std::uint8_t>(address)}};
      auto answer = ascii_answer(packs_, req, options_.master);
      exchanges.emplace_back(
          to_bytes(protocol::encode_frame(req)),
          answer ? to_bytes(protocol::encode_frame(*answer)) : std::vector<std::uint8_t>{});
    }
  } else {
    const auto slave = static_cast<std::uint8_t>(address);
    if (with_info) {
      auto info = pace_modbus_strings(packs_.record(address));
      exchanges.emplace_back(protocol::encode_read_request(
                                 {slave, protocol::kPaceInfoStart, protocol::kPaceInfoCount}),
                             protocol::encode_read_response(slave, info));
    }
    auto regs = pace_modbus_registers(packs_.record(address), packs_.flag_words(address));
    exchanges.emplace_back(protocol::encode_read_request(
                               {slave, protocol::kPaceAnalogStart, protocol::kPaceAnalogCount}),
                           protocol::encode_read_response(slave, regs));
  }
  // Request now, answer after the turnaround; successive exchanges a little apart.
  auto at = EventLoop::Clock::now();
  for (auto& [request, answer] : exchanges) {
    loop_.schedule_at(at, [this, request = request] { emit(request); });
    if (p != nullptr && !p->silent && !answer.empty()) {
      if (faults_.corrupt_sniff > 0) {
        --faults_.corrupt_sniff;
        ++stats_.corrupted;
        corrupt(answer, ascii_);
      }
      loop_.schedule_at(at + options_.turnaround, [this, answer = answer] { emit(answer); });
      ++stats_.exchanges;
    }
    at += options_.turnaround * 3;
  }
  // One exchange at a time, as a master and its inverter do: the next round starts when this
  // one is over.
  loop_.schedule_at(std::max(at, EventLoop::Clock::now() + period_), [this] { play(); });
}

}  // namespace sb::sim
