// SPDX-License-Identifier: Apache-2.0
// Splits a raw byte stream tapped from an RS485 pair into frames: '~...CR' ASCII frames and Modbus
// RTU requests/responses (recognised by CRC, and paired with the request they answer). Garbage,
// partial frames, wrong checksums and absurd lengths are skipped and counted; memory stays
// bounded whatever arrives. Pure: bytes in, frames out.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "sunbridge/protocol/rtu_frame.hpp"

namespace sb::protocol {

struct RecognizedFrame {
  enum class Kind { kAscii, kRtuRequest, kRtuResponse, kRtuException, kRtuOther };
  Kind kind = Kind::kAscii;
  std::vector<std::uint8_t> bytes;
  // For a response or exception: the request it answers, when it was seen.
  std::optional<ReadRequest> request;
};

struct StreamCounters {
  std::uint64_t bytes = 0;
  std::uint64_t ascii_frames = 0;
  std::uint64_t rtu_frames = 0;
  std::uint64_t garbage_bytes = 0;  // bytes that belonged to no frame
  std::uint64_t bad_checksums = 0;  // ASCII frames with a wrong LCHKSUM/CHKSUM
  std::uint64_t malformed = 0;      // ASCII frames that are not well formed (absurd LENID, ...)
  std::uint64_t truncated = 0;      // partial frames cut off by line silence or overflow
};

class FrameRecognizer {
 public:
  // Bytes kept while waiting for a frame to complete; beyond this the head is dropped.
  static constexpr std::size_t kMaxBuffered = 8192;

  void feed(std::span<const std::uint8_t> bytes);
  // The line went quiet (longer than a frame gap): complete frames still buffered are kept, a
  // partial frame at the head is dead and dropped.
  void line_idle();
  // The next complete frame, if any.
  std::optional<RecognizedFrame> next();
  [[nodiscard]] const StreamCounters& counters() const { return counters_; }
  [[nodiscard]] std::size_t buffered() const { return buffer_.size(); }

 private:
  enum class Step { kFrame, kNeedMore, kSkipByte, kContinue };
  Step try_ascii(RecognizedFrame& out);
  Step try_rtu(RecognizedFrame& out);
  // Parses from the head; `final` (the line is idle) turns "need more" into "garbage".
  std::optional<RecognizedFrame> parse(bool final);
  void drop(std::size_t n, std::uint64_t& counter);

  std::deque<std::uint8_t> buffer_;
  std::deque<RecognizedFrame> ready_;
  std::optional<ReadRequest> pending_request_;
  StreamCounters counters_;
};

}  // namespace sb::protocol
