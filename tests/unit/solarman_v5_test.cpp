// SPDX-License-Identifier: Apache-2.0
// Solarman V5 framing on byte vectors: the owner's logger, a DEYE logger's request/response pair,
// a heartbeat and a short exception reply, as captured (docs/solarman.md); and the stream parser
// on the ways a logger's TCP stream goes wrong.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sunbridge/protocol/rtu_frame.hpp"
#include "sunbridge/protocol/solarman_v5.hpp"
#include "sunbridge/transport/endpoint.hpp"

using namespace sb;
using namespace sb::protocol;
using Bytes = std::vector<std::uint8_t>;

namespace {

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts)
    out.insert(out.end(), p.begin(), p.end());
  return out;
}
const Bytes kZeros14(14, 0x00);

// The owner's logger (serial 3528830226), FC 0x03 0x0100 x1, our sequence 0x01.
const Bytes kOwnerRequest =
    cat({{0xa5, 0x17, 0x00, 0x10, 0x45, 0x01, 0x00, 0x12, 0xad, 0x55, 0xd2, 0x02},
         kZeros14,
         {0x01, 0x03, 0x01, 0x00, 0x00, 0x01, 0x85, 0xf6, 0xd6, 0x15}});
const Bytes kDeyeRequest =
    cat({{0xa5, 0x17, 0x00, 0x10, 0x45, 0x65, 0x00, 0x17, 0x7c, 0x4a, 0xa2, 0x02},
         kZeros14,
         {0x01, 0x03, 0x00, 0x76, 0x00, 0x01, 0x65, 0xd0, 0x02, 0x15}});
const Bytes kDeyeResponse = {0xa5, 0x15, 0x00, 0x10, 0x15, 0x65, 0x22, 0x17, 0x7c, 0x4a, 0xa2, 0x02,
                             0x01, 0xc4, 0xc1, 0x56, 0x00, 0x70, 0x1a, 0x00, 0x00, 0xc2, 0xc5, 0x58,
                             0x64, 0x01, 0x03, 0x02, 0x12, 0xc0, 0xb4, 0xb4, 0x2b, 0x15};
const Bytes kHeartbeat = {0xa5, 0x01, 0x00, 0x10, 0x47, 0x8d, 0x69,
                          0xb5, 0xb5, 0x0a, 0xa2, 0x00, 0x64, 0x15};
const Bytes kShortException = {0xa5, 0x10, 0x00, 0x10, 0x15, 0x81, 0x10, 0x9b, 0x59, 0xbd,
                               0xd0, 0x02, 0x01, 0x06, 0x71, 0x01, 0x00, 0x28, 0x1e, 0x00,
                               0x00, 0xa7, 0x35, 0x7d, 0x66, 0x05, 0x00, 0xcc, 0x15};

}  // namespace

TEST_CASE("solarman v5: requests encode byte for byte as the loggers expect", "[unit][solarman]") {
  const Bytes read_0100 = encode_read_request({1, 0x0100, 1});
  CHECK(v5::encode_request(3528830226u, 0x01, read_0100) == kOwnerRequest);
  const Bytes read_0076 = encode_read_request({1, 0x0076, 1});
  CHECK(v5::encode_request(0xa24a7c17u, 0x65, read_0076) == kDeyeRequest);
  CHECK(kOwnerRequest.size() == v5::kOverheadBytes + 0x17);
  // The simulator's side reads the RTU frame back out of a request.
  auto frame = v5::decode_frame(kOwnerRequest);
  REQUIRE(frame);
  CHECK(frame->control == v5::kRequest);
  CHECK(frame->serial == 3528830226u);
  CHECK(v5::request_rtu(frame->payload).value() == read_0100);
}

TEST_CASE("solarman v5: a DEYE logger's response, a heartbeat and a short exception",
          "[unit][solarman]") {
  auto response = v5::decode_frame(kDeyeResponse);
  REQUIRE(response);
  CHECK(response->control == v5::kResponse);
  CHECK(response->seq == 0x65);
  CHECK(response->logger_seq == 0x22);
  CHECK(response->serial == 0xa24a7c17u);
  auto rtu = v5::response_rtu(response->payload);
  REQUIRE(rtu);
  CHECK(decode_read_response(*rtu, {1, 0x0076, 1}).value() == std::vector<std::uint16_t>{0x12C0});

  auto heartbeat = v5::decode_frame(kHeartbeat);
  REQUIRE(heartbeat);
  CHECK(heartbeat->control == v5::kHeartbeat);
  CHECK(heartbeat->serial == 0xa20ab5b5u);
  CHECK(heartbeat->payload == Bytes{0x00});
  CHECK(v5::encode_heartbeat(0xa20ab5b5u, 0x8d).size() == kHeartbeat.size());

  // The RTU part "05 00": the logger had no answer from the inverter.
  auto stub = v5::decode_frame(kShortException);
  REQUIRE(stub);
  CHECK(stub->seq == 0x81);
  auto none = v5::response_rtu(stub->payload);
  REQUIRE_FALSE(none);
  CHECK(none.error().kind == ErrorKind::kException);
  CHECK(none.error().code == v5::kNoResponseException);
  CHECK(none.error().retryable());
}

TEST_CASE("solarman v5: the logger's own encoding round-trips, with the double CRC stripped",
          "[unit][solarman]") {
  const Bytes rtu = encode_read_response(1, std::vector<std::uint16_t>{0x0102, 0xFFFF});
  const Bytes plain = v5::encode_response(3528830226u, 7, 9, rtu);
  auto frame = v5::decode_frame(plain);
  REQUIRE(frame);
  CHECK(v5::response_rtu(frame->payload).value() == rtu);
  Bytes doubled = rtu;
  doubled.push_back(0);
  doubled.push_back(0);
  frame = v5::decode_frame(v5::encode_response(3528830226u, 7, 9, doubled));
  REQUIRE(frame);
  CHECK(v5::response_rtu(frame->payload).value() == rtu);
  // The zeros go by the frame's length; a frame whose CRC is bad stays bad.
  Bytes bad = rtu;
  bad[3] ^= 0xFF;
  bad.push_back(0);
  bad.push_back(0);
  frame = v5::decode_frame(v5::encode_response(3528830226u, 7, 9, bad));
  REQUIRE(frame);
  const Bytes stripped = v5::response_rtu(frame->payload).value();
  CHECK(stripped.size() == rtu.size());
  CHECK(decode_read_response(stripped, {1, 0, 2}).error().kind == ErrorKind::kCrc);
  // Without the zeros, a frame longer than its header says is left as it is (and fails later).
  Bytes longer = rtu;
  longer.push_back(0x55);
  frame = v5::decode_frame(v5::encode_response(3528830226u, 7, 9, longer));
  CHECK(v5::response_rtu(frame->payload).value() == longer);
}

TEST_CASE("solarman v5: bad frames are named, never trusted", "[unit][solarman]") {
  Bytes wrong_sum = kDeyeResponse;
  wrong_sum[wrong_sum.size() - 2] ^= 1;
  CHECK(v5::decode_frame(wrong_sum).error().kind == ErrorKind::kCrc);
  Bytes wrong_end = kDeyeResponse;
  wrong_end.back() = 0x16;
  CHECK(v5::decode_frame(wrong_end).error().kind == ErrorKind::kMalformed);
  // A length that runs past the bytes: Malformed, whatever the checksum.
  Bytes long_length = kDeyeResponse;
  long_length[1] = 0x40;
  CHECK(v5::decode_frame(long_length).error().kind == ErrorKind::kMalformed);
  for (std::size_t n = 0; n < kDeyeResponse.size(); ++n) {
    INFO(n);
    CHECK_FALSE(v5::decode_frame(Bytes(kDeyeResponse.begin(), kDeyeResponse.begin() + n)));
  }
  // A response payload too short for its times, or of another frame type.
  CHECK(v5::response_rtu(Bytes{0x02, 0x01, 0x00}).error().kind == ErrorKind::kMalformed);
  CHECK(v5::response_rtu(cat({{0x05, 0x01}, Bytes(12, 0), {0x01, 0x03, 0x02, 0x00, 0x00}}))
            .error()
            .kind == ErrorKind::kMalformed);
  CHECK(v5::response_rtu(cat({{0x02, 0x01}, Bytes(12, 0)})).error().kind == ErrorKind::kMalformed);
}

TEST_CASE("solarman v5: the stream parser resyncs, splits and skips", "[unit][solarman]") {
  v5::StreamParser p;
  // AT-command text, a heartbeat, a reply, all in one read.
  const std::string text = "+ok=LSW-5A8153\r\n";
  Bytes stream(text.begin(), text.end());
  stream = cat({stream, kHeartbeat, kDeyeResponse});
  p.feed(stream);
  auto first = p.next();
  REQUIRE(first);
  CHECK(first->control == v5::kHeartbeat);
  auto second = p.next();
  REQUIRE(second);
  CHECK(second->control == v5::kResponse);
  CHECK_FALSE(p.next());
  CHECK(p.skipped_bytes() == text.size());
  // One byte at a time: nothing until the last byte, then the frame.
  for (std::size_t i = 0; i + 1 < kDeyeResponse.size(); ++i) {
    p.feed(std::span<const std::uint8_t>(&kDeyeResponse[i], 1));
    CHECK_FALSE(p.next());
  }
  p.feed(std::span<const std::uint8_t>(&kDeyeResponse.back(), 1));
  REQUIRE(p.next());
  // A damaged frame (bad checksum) before a good one: skipped, the good one found.
  Bytes damaged = kDeyeResponse;
  damaged[20] ^= 0x40;
  p.feed(cat({damaged, kShortException}));
  auto after = p.next();
  REQUIRE(after);
  CHECK(after->seq == 0x81);
  CHECK(p.bad_frames() >= 1);
  // A stray 0xA5 in the junk with a plausible length does not swallow the frame after it.
  p.feed(cat({{0xA5, 0x20, 0x00, 0x41}, kDeyeResponse}));
  auto found = p.next();
  REQUIRE(found);
  CHECK(found->seq == 0x65);
  CHECK(p.buffered() == 0);
}

TEST_CASE("rtu: write requests and their acknowledgements", "[unit][solarman]") {
  const WriteRequest single{1, 0x06, 0xE20A, {600}};
  const Bytes frame = encode_write_request(single);
  CHECK(frame.size() == 8);
  auto back = decode_write_request(frame);
  REQUIRE(back);
  CHECK(back->start == 0xE20A);
  CHECK(back->values == std::vector<std::uint16_t>{600});
  CHECK(decode_write_response(encode_write_response(single), single));
  const WriteRequest multiple{1, 0x10, 0x020C, {0x1A0C, 0x0F0A, 0x1E00}};
  const Bytes mf = encode_write_request(multiple);
  CHECK(mf.size() == 9 + 6);
  CHECK(decode_write_request(mf).value().values == multiple.values);
  CHECK(decode_write_response(encode_write_response(multiple), multiple));
  // An exception, an echo of another address, a request whose count and bytes disagree.
  const Error e = decode_write_response(encode_exception_response(1, 0x06, 0x03), single).error();
  CHECK(e.kind == ErrorKind::kException);
  CHECK(e.code == 3);
  const WriteRequest other{1, 0x06, 0xE20B, {600}};
  CHECK(decode_write_response(encode_write_response(other), single).error().kind ==
        ErrorKind::kMalformed);
  Bytes lying = mf;
  lying[6] = 4;  // byte count 4 for 3 registers
  lying.resize(lying.size() - 2);
  append_crc(lying);
  CHECK(decode_write_request(lying).error().kind == ErrorKind::kMalformed);
}

TEST_CASE("inverter.device names a serial port, Modbus TCP or a Solarman logger",
          "[unit][solarman]") {
  using transport::parse_endpoint;
  auto e = parse_endpoint("solarman://192.168.1.20?serial=3528830226", {});
  REQUIRE(e);
  REQUIRE(e->solarman);
  CHECK(e->solarman->host == "192.168.1.20");
  CHECK(e->solarman->port == 8899);  // the loggers' port when none is given
  CHECK(e->solarman->serial == 3528830226u);
  CHECK_FALSE(e->serial);
  e = parse_endpoint("solarman://logger.lan:18899/?serial=1", {});
  REQUIRE(e);
  CHECK(e->solarman->host == "logger.lan");
  CHECK(e->solarman->port == 18899);
  e = parse_endpoint("solarman://[fe80::1]:8899?serial=7", {});
  REQUIRE(e);
  CHECK(e->solarman->host == "fe80::1");
  // The serial is required and must fit 32 bits; the port must be a port.
  for (const char* bad :
       {"solarman://192.168.1.20",
        "solarman://192.168.1.20?serial=", "solarman://192.168.1.20?serial=4294967296",
        "solarman://192.168.1.20?serial=12x", "solarman://:8899?serial=1",
        "solarman://h:0?serial=1", "solarman://h:port?serial=1", "solarman://h?id=1"}) {
    INFO(bad);
    CHECK_FALSE(parse_endpoint(bad, {}));
  }
  // The host:port reader they share (and setup --discover uses).
  CHECK(transport::parse_host_port("127.0.0.1", 48899)->port == 48899);
  CHECK(transport::parse_host_port("127.0.0.1:40000", 48899)->port == 40000);
  CHECK(transport::parse_host_port("fe80::1", 8899)->host == "fe80::1");
  CHECK(transport::parse_host_port("[fe80::1]:7", 8899)->port == 7);
  for (const char* bad : {"", ":1", "h:0", "h:65536", "h:x", "[fe80::1", "[fe80::1]x"}) {
    INFO(bad);
    CHECK_FALSE(transport::parse_host_port(bad, 8899));
  }
  CHECK(parse_endpoint("tcp://127.0.0.1:1502", {})->tcp->port == 1502);
  CHECK(parse_endpoint("/dev/ttyUSB0", {})->serial->device == "/dev/ttyUSB0");
}

TEST_CASE("solarman v5: a logger's discovery reply", "[unit][solarman]") {
  auto r = v5::parse_discovery_reply("192.168.1.20,ACCF23AABBCC,3528830226\r\n");
  REQUIRE(r);
  CHECK(r->ip == "192.168.1.20");
  CHECK(r->mac == "ACCF23AABBCC");
  CHECK(r->serial == 3528830226u);
  for (const char* bad :
       {"", "192.168.1.20", "192.168.1.20,ACCF23AABBCC", "192.168.1.20,ACCF23AABBCC,1,2",
        "192.168.1,ACCF23AABBCC,1", "192.168.1.2000,ACCF23AABBCC,1", "a.b.c.d,ACCF23AABBCC,1",
        "192.168.1.20,ACCF23AABB,1", "192.168.1.20,ACCF23AABBZZ,1", "192.168.1.20,ACCF23AABBCC,",
        "192.168.1.20,ACCF23AABBCC,4294967296", "192.168.1.20,ACCF23AABBCC,12a",
        "192.168.1..20,ACCF23AABBCC,1"}) {
    INFO(bad);
    CHECK_FALSE(v5::parse_discovery_reply(bad));
  }
  auto e = transport::parse_endpoint("solarman://10.0.0.5?serial=9&discover=127.0.0.1:40000", {});
  REQUIRE(e);
  CHECK(e->solarman->discovery_address == "127.0.0.1");
  CHECK(e->solarman->discovery_port == 40000);
  CHECK(
      transport::parse_endpoint("solarman://10.0.0.5?serial=9", {})->solarman->discovery_address ==
      "255.255.255.255");
  CHECK_FALSE(transport::parse_endpoint("solarman://10.0.0.5?serial=9&discover=off", {})
                  ->solarman->discovery);
  CHECK(transport::parse_endpoint("solarman://10.0.0.5?serial=9&mute_backoff_s=5", {})
            ->solarman->mute_backoff == std::chrono::seconds(5));
  CHECK_FALSE(transport::parse_endpoint("solarman://10.0.0.5?serial=9&mute_backoff_s=0", {}));
}
