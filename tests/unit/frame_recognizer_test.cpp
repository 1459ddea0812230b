// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "sunbridge/protocol/frame_recognizer.hpp"
#include "sunbridge/protocol/pace_ascii.hpp"

using namespace sb::protocol;
using Kind = RecognizedFrame::Kind;

namespace {

std::vector<std::uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

std::vector<RecognizedFrame> drain(FrameRecognizer& r) {
  std::vector<RecognizedFrame> out;
  while (auto f = r.next())
    out.push_back(std::move(*f));
  return out;
}

}  // namespace

TEST_CASE("ASCII frames are split out of garbage", "[unit][bms][stream]") {
  FrameRecognizer r;
  const std::vector<std::uint8_t> junk = {0x00, 0xFF, ' ', 'j', 'u', 'n', 'k'};
  r.feed(junk);
  r.feed(bytes("~25014642E00201FD30\r"));
  r.feed(bytes("~2501"));  // partial
  auto frames = drain(r);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].kind == Kind::kAscii);
  CHECK(std::string(frames[0].bytes.begin(), frames[0].bytes.end()) == "~25014642E00201FD30\r");
  r.feed(bytes("4644E00201FD2E\r"));  // the rest of the partial frame
  frames = drain(r);
  REQUIRE(frames.size() == 1);
  CHECK(r.counters().ascii_frames == 2);
  CHECK(r.counters().garbage_bytes == 7);
}

TEST_CASE("Modbus RTU requests pair with their responses", "[unit][bms][stream]") {
  FrameRecognizer r;
  auto req = encode_read_request({2, 0, 37});
  std::vector<std::uint16_t> words(37, 0x0D0D);
  auto resp = encode_read_response(2, words);
  std::vector<std::uint8_t> stream = {0x55, 0x00};  // noise
  stream.insert(stream.end(), req.begin(), req.end());
  stream.insert(stream.end(), resp.begin(), resp.end());
  // feed in awkward chunks
  for (std::size_t i = 0; i < stream.size(); i += 5) {
    r.feed(std::span(stream).subspan(i, std::min<std::size_t>(5, stream.size() - i)));
  }
  auto frames = drain(r);
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].kind == Kind::kRtuRequest);
  CHECK(frames[1].kind == Kind::kRtuResponse);
  REQUIRE(frames[1].request.has_value());
  CHECK(frames[1].request->slave == 2);
  CHECK(frames[1].request->count == 37);
  CHECK(decode_read_response(frames[1].bytes, *frames[1].request).value() == words);
}

TEST_CASE("bad checksums and absurd lengths are counted and skipped", "[unit][bms][stream]") {
  FrameRecognizer r;
  std::string bad = "~25014642E00201FD31\r";  // wrong CHKSUM
  // LENGTH claims 0xFFF INFO characters (with a correct LCHKSUM, 3) in a 20-character frame.
  std::string lying = "~250146423FFF01FD30\r";
  r.feed(bytes(bad + lying + "~25014642E00201FD30\r"));
  auto frames = drain(r);
  REQUIRE(frames.size() == 1);
  CHECK(r.counters().bad_checksums == 1);
  CHECK(r.counters().malformed == 1);
}

TEST_CASE("line silence kills a partial frame but keeps complete ones", "[unit][bms][stream]") {
  FrameRecognizer r;
  auto req = encode_read_request({1, 0, 37});
  std::vector<std::uint8_t> stream = {0x01, 0x03, 0xFE};  // looks like a long response header
  stream.insert(stream.end(), req.begin(), req.end());
  r.feed(stream);
  CHECK_FALSE(r.next().has_value());  // could still be a 255-byte response
  r.line_idle();
  auto frames = drain(r);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].kind == Kind::kRtuRequest);
  CHECK(r.counters().truncated == 1);
  CHECK(r.buffered() == 0);
}

TEST_CASE("random noise never crashes, hangs or grows memory", "[unit][bms][stream]") {
  FrameRecognizer r;
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<std::uint8_t> chunk(997);
  for (int round = 0; round < 200; ++round) {
    for (auto& b : chunk)
      b = static_cast<std::uint8_t>(byte(rng));
    r.feed(chunk);
    drain(r);
    CHECK(r.buffered() <= FrameRecognizer::kMaxBuffered);
  }
  r.line_idle();
  drain(r);
  CHECK(r.buffered() == 0);
  CHECK(r.counters().bytes == 200 * 997);
}
