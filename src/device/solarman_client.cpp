// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/device/solarman_client.hpp"

#include <algorithm>
#include <array>
#include <thread>

#include "sunbridge/protocol/rtu_frame.hpp"
#include "sunbridge/transport/udp_query.hpp"

namespace sb::device {

namespace {
// After this many timeouts in a row the connection is presumed dead (a logger that lost its
// Wi-Fi keeps the TCP connection open on our side): it is closed and opened afresh.
constexpr int kTimeoutsBeforeReconnect = 2;
// The LAN is asked at most this often (a broadcast to every device), and answers are collected
// for this long.
constexpr std::chrono::seconds kDiscoveryInterval{30};
constexpr std::chrono::milliseconds kDiscoveryWindow{1000};
constexpr const char* kComponent = "solarman";
constexpr std::chrono::seconds kMaxMuteBackoff{600};

// A reply is an answer to the request when it decodes for it, as a value or as an exception;
// a frame of another shape (another function, another length) is not ours.
template <typename T>
bool answers(const Result<T>& decoded) {
  return decoded || decoded.error().kind == ErrorKind::kException;
}

// Where the sequence numbers start: not 1 for every client, so that two clients of one logger
// (which should not happen, docs/solarman.md) rarely use the same number at the same time.
std::uint8_t first_sequence() {
  return static_cast<std::uint8_t>(std::chrono::steady_clock::now().time_since_epoch().count() &
                                   0xFF);
}
}  // namespace

Result<std::vector<protocol::v5::DiscoveryReply>> discover_loggers(
    const std::string& address, int port, std::chrono::milliseconds window) {
  auto answers = transport::udp_query(address, port, protocol::v5::kDiscoveryRequest, window);
  if (!answers) return answers.error();
  std::vector<protocol::v5::DiscoveryReply> out;
  for (const auto& a : *answers) {
    if (auto reply = protocol::v5::parse_discovery_reply(a.text)) out.push_back(std::move(*reply));
  }
  return out;
}

SolarmanClient::SolarmanClient(transport::SolarmanEndpoint endpoint, int slave,
                               transport::Timing timing, Logger* log,
                               std::chrono::milliseconds frame_gap)
    : endpoint_(std::move(endpoint)),
      slave_(slave),
      timing_(timing),
      log_(log),
      frame_gap_(frame_gap),
      seq_(first_sequence()) {}

std::string SolarmanClient::describe() const {
  return "solarman:" + endpoint_.host + ":" + std::to_string(endpoint_.port) + " logger " +
         std::to_string(endpoint_.serial) + " slave " + std::to_string(slave_);
}

std::string SolarmanClient::mute_text() const {
  return "the logger at " + endpoint_.host + ":" + std::to_string(endpoint_.port) +
         " accepts connections but does not answer (its firmware or its cloud connection may hold "
         "it, or another program is polling it)";
}

Status SolarmanClient::open() {
  const auto now = std::chrono::steady_clock::now();
  if (quiet_until_ && now < *quiet_until_) {
    // Mute: not asked again before the quiet period ends, however often the link retries.
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(*quiet_until_ - now);
    Error e = Error::timeout(mute_text() + "; asking again in " + std::to_string(left.count() + 1) +
                             " s");
    e.retry = Retry::kRetryable;
    return e;
  }
  parser_.reset();
  timeouts_in_a_row_ = 0;
  answered_on_connection_ = false;
  ++stats_.connects;
  Status connected = stream_.connect(endpoint_.host, endpoint_.port, timing_.response_timeout);
  if (connected || !endpoint_.discovery) return connected;
  // The address stopped answering: under DHCP the logger may have another one now.
  if (auto found = rediscover(); found && *found != endpoint_.host) {
    if (log_ != nullptr) {
      log_->warn(kComponent, "logger " + std::to_string(endpoint_.serial) +
                                 " no longer answers at " + endpoint_.host + "; found it at " +
                                 *found + " (the configuration is not changed)");
    }
    endpoint_.host = *found;
    ++stats_.connects;
    connected = stream_.connect(endpoint_.host, endpoint_.port, timing_.response_timeout);
  }
  return connected;
}

std::optional<std::string> SolarmanClient::rediscover() {
  const auto now = std::chrono::steady_clock::now();
  if (last_discovery_ && now - *last_discovery_ < kDiscoveryInterval) return std::nullopt;
  last_discovery_ = now;
  ++stats_.discoveries;
  auto loggers =
      discover_loggers(endpoint_.discovery_address, endpoint_.discovery_port, kDiscoveryWindow);
  if (!loggers) return std::nullopt;
  for (const auto& logger : *loggers) {
    if (logger.serial == endpoint_.serial) return logger.ip;
  }
  return std::nullopt;
}

void SolarmanClient::close() {
  stream_.close();
  parser_.reset();
}

void SolarmanClient::keep_frame_gap() {
  if (!last_frame_) return;
  const auto due = *last_frame_ + frame_gap_;
  if (std::chrono::steady_clock::now() < due) std::this_thread::sleep_until(due);
}

Result<std::vector<std::uint8_t>> SolarmanClient::transact(const std::vector<std::uint8_t>& rtu,
                                                           const Fits& fits) {
  if (!stream_.is_open()) return Error::disconnected("not connected to " + describe());
  keep_frame_gap();
  seq_ = static_cast<std::uint8_t>(seq_ + 1);
  ++stats_.requests;
  const auto frame = protocol::v5::encode_request(endpoint_.serial, seq_, rtu);
  last_frame_ = std::chrono::steady_clock::now();
  if (Status s = stream_.send_all(frame, timing_.response_timeout); !s) {
    close();
    return s.error();
  }
  const auto deadline = std::chrono::steady_clock::now() + timing_.response_timeout;
  std::array<std::uint8_t, 512> buffer{};
  for (;;) {
    while (auto f = parser_.next()) {
      if (f->control != protocol::v5::kResponse) {
        ++stats_.heartbeats;
        continue;
      }
      // Serial 0 asks whichever logger this is; its reply carries its real serial.
      if (f->seq != seq_ || (f->serial != endpoint_.serial && endpoint_.serial != 0)) {
        ++stats_.stale_replies;  // an earlier request's late reply, or another client's
        continue;
      }
      auto reply = protocol::v5::response_rtu(f->payload);
      if (reply && !fits(*reply)) {
        // Our sequence number, but not an answer to our request: another client that uses the
        // same numbers got its reply on our connection. Ours may still come.
        ++stats_.foreign_replies;
        continue;
      }
      reply_serial_ = f->serial;
      timeouts_in_a_row_ = 0;
      answered_on_connection_ = true;
      silent_in_a_row_ = 0;
      quiet_until_.reset();
      last_frame_ = std::chrono::steady_clock::now();
      stats_.skipped_bytes = parser_.skipped_bytes();
      return reply;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ++stats_.timeouts;
      if (++timeouts_in_a_row_ >= kTimeoutsBeforeReconnect) {
        if (!answered_on_connection_) {
          ++stats_.silent_connections;
          if (++silent_in_a_row_ >= 2) {
            // Mute, not just slow: leave it alone for a while, longer each time.
            const int doublings = std::min(silent_in_a_row_ - 2, 5);
            const auto quiet = std::min<std::chrono::seconds>(
                endpoint_.mute_backoff * (1 << doublings), kMaxMuteBackoff);
            quiet_until_ = std::chrono::steady_clock::now() + quiet;
          }
        }
        close();
      }
      if (!answered_on_connection_) return Error::timeout(mute_text());
      return Error::timeout("no reply from the logger at " + endpoint_.host + ":" +
                            std::to_string(endpoint_.port));
    }
    auto n = stream_.receive(buffer, left);
    if (!n) {
      if (n.error().kind == ErrorKind::kTimeout) continue;  // the deadline check above decides
      close();
      return n.error();
    }
    parser_.feed(std::span<const std::uint8_t>(buffer.data(), *n));
  }
}

Result<std::vector<std::uint16_t>> SolarmanClient::read_holding(std::uint16_t address,
                                                                std::uint16_t count) {
  const protocol::ReadRequest request{static_cast<std::uint8_t>(slave_), address, count};
  auto reply = transact(protocol::encode_read_request(request), [&](const auto& rtu) {
    return answers(protocol::decode_read_response(rtu, request));
  });
  if (!reply) return reply.error();
  return protocol::decode_read_response(*reply, request);
}

Status SolarmanClient::write_single(std::uint16_t address, std::uint16_t value) {
  const protocol::WriteRequest request{static_cast<std::uint8_t>(slave_), 0x06, address, {value}};
  auto reply = transact(protocol::encode_write_request(request), [&](const auto& rtu) {
    return answers(protocol::decode_write_response(rtu, request));
  });
  if (!reply) return reply.error();
  return protocol::decode_write_response(*reply, request);
}

Status SolarmanClient::write_multiple(std::uint16_t address,
                                      std::span<const std::uint16_t> values) {
  const protocol::WriteRequest request{static_cast<std::uint8_t>(slave_), 0x10, address,
                                       std::vector<std::uint16_t>(values.begin(), values.end())};
  auto reply = transact(protocol::encode_write_request(request), [&](const auto& rtu) {
    return answers(protocol::decode_write_response(rtu, request));
  });
  if (!reply) return reply.error();
  return protocol::decode_write_response(*reply, request);
}

}  // namespace sb::device
