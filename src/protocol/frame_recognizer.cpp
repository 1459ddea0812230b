// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/protocol/frame_recognizer.hpp"

#include <algorithm>
#include <string>

#include "sunbridge/protocol/pace_ascii.hpp"

namespace sb::protocol {

namespace {

bool plausible_slave(std::uint8_t b) {
  return b >= 1 && b <= 247;
}

}  // namespace

void FrameRecognizer::feed(std::span<const std::uint8_t> bytes) {
  counters_.bytes += bytes.size();
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  // Bounded memory: a stream that never forms a frame cannot grow the buffer without limit.
  if (buffer_.size() > kMaxBuffered) drop(buffer_.size() - kMaxBuffered, counters_.garbage_bytes);
}

void FrameRecognizer::drop(std::size_t n, std::uint64_t& counter) {
  n = std::min(n, buffer_.size());
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n));
  counter += n;
}

void FrameRecognizer::line_idle() {
  const std::uint64_t garbage_before = counters_.garbage_bytes;
  while (auto frame = parse(/*final=*/true))
    ready_.push_back(std::move(*frame));
  if (counters_.garbage_bytes != garbage_before) ++counters_.truncated;
  // The pending request survives: a BMS answers after a turnaround silence of its own. The next
  // request replaces it.
}

FrameRecognizer::Step FrameRecognizer::try_ascii(RecognizedFrame& out) {
  const std::size_t limit = std::min(buffer_.size(), kMaxAsciiFrameChars);
  auto end = std::find(buffer_.begin() + 1, buffer_.begin() + static_cast<std::ptrdiff_t>(limit),
                       static_cast<std::uint8_t>('\r'));
  if (end == buffer_.begin() + static_cast<std::ptrdiff_t>(limit)) {
    if (buffer_.size() < kMaxAsciiFrameChars) return Step::kNeedMore;
    ++counters_.malformed;  // no CR within the longest possible frame
    return Step::kSkipByte;
  }
  // A '~' inside means the first frame was cut short and another began.
  auto next_start = std::find(buffer_.begin() + 1, end, static_cast<std::uint8_t>('~'));
  if (next_start != end) {
    ++counters_.truncated;
    drop(static_cast<std::size_t>(next_start - buffer_.begin()), counters_.garbage_bytes);
    return Step::kContinue;
  }
  const std::size_t length = static_cast<std::size_t>(end - buffer_.begin()) + 1;
  std::string text(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(length));
  auto frame = parse_frame(text);
  if (!frame) {
    if (frame.error().kind == ErrorKind::kCrc) {
      ++counters_.bad_checksums;
    } else {
      ++counters_.malformed;
    }
    drop(length, counters_.garbage_bytes);
    return Step::kContinue;
  }
  out.kind = RecognizedFrame::Kind::kAscii;
  out.bytes.assign(text.begin(), text.end());
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(length));
  ++counters_.ascii_frames;
  return Step::kFrame;
}

FrameRecognizer::Step FrameRecognizer::try_rtu(RecognizedFrame& out) {
  if (!plausible_slave(buffer_[0])) return Step::kSkipByte;
  if (buffer_.size() < 3) return Step::kNeedMore;
  const std::uint8_t function = buffer_[1];

  // Candidate frame lengths for this function code, the paired interpretation first.
  struct Candidate {
    std::size_t length;
    RecognizedFrame::Kind kind;
  };
  std::vector<Candidate> candidates;
  const bool answers_pending = pending_request_ && pending_request_->slave == buffer_[0];
  switch (function) {
    case 0x03: {
      const std::size_t response = 5 + static_cast<std::size_t>(buffer_[2]);
      const bool even = buffer_[2] % 2 == 0 && buffer_[2] > 0;
      if (answers_pending && even)
        candidates.push_back({response, RecognizedFrame::Kind::kRtuResponse});
      candidates.push_back({8, RecognizedFrame::Kind::kRtuRequest});
      if (!answers_pending && even)
        candidates.push_back({response, RecognizedFrame::Kind::kRtuResponse});
      break;
    }
    case 0x06:
      candidates.push_back({8, RecognizedFrame::Kind::kRtuOther});
      break;
    case 0x10:
      candidates.push_back({8, RecognizedFrame::Kind::kRtuOther});  // response
      if (buffer_.size() >= 7) {
        candidates.push_back(
            {9 + static_cast<std::size_t>(buffer_[6]), RecognizedFrame::Kind::kRtuOther});
      }
      break;
    case 0x83:
    case 0x86:
    case 0x90:
      candidates.push_back({5, RecognizedFrame::Kind::kRtuException});
      break;
    default:
      return Step::kSkipByte;
  }
  bool may_complete = false;
  for (const auto& c : candidates) {
    if (c.length > buffer_.size()) {
      may_complete = true;
      continue;
    }
    std::vector<std::uint8_t> bytes(buffer_.begin(),
                                    buffer_.begin() + static_cast<std::ptrdiff_t>(c.length));
    if (!rtu_crc_ok(bytes)) continue;
    out.kind = c.kind;
    out.bytes = std::move(bytes);
    if (c.kind == RecognizedFrame::Kind::kRtuRequest) {
      auto request = decode_read_request(out.bytes);
      if (request) pending_request_ = *request;
    } else if (c.kind == RecognizedFrame::Kind::kRtuResponse ||
               c.kind == RecognizedFrame::Kind::kRtuException) {
      if (answers_pending) out.request = pending_request_;
      pending_request_.reset();
    }
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(c.length));
    ++counters_.rtu_frames;
    return Step::kFrame;
  }
  return may_complete ? Step::kNeedMore : Step::kSkipByte;
}

std::optional<RecognizedFrame> FrameRecognizer::parse(bool final) {
  while (!buffer_.empty()) {
    RecognizedFrame frame;
    switch (buffer_[0] == '~' ? try_ascii(frame) : try_rtu(frame)) {
      case Step::kFrame:
        return frame;
      case Step::kContinue:
        continue;
      case Step::kSkipByte:
        drop(1, counters_.garbage_bytes);
        continue;
      case Step::kNeedMore:
        if (!final) return std::nullopt;
        drop(1, counters_.garbage_bytes);  // nothing more is coming for this head
        continue;
    }
  }
  return std::nullopt;
}

std::optional<RecognizedFrame> FrameRecognizer::next() {
  if (!ready_.empty()) {
    RecognizedFrame f = std::move(ready_.front());
    ready_.pop_front();
    return f;
  }
  return parse(/*final=*/false);
}

}  // namespace sb::protocol
