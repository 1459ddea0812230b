// SPDX-License-Identifier: Apache-2.0
// A TCP connection with deadlines on every operation, for device protocols over TCP (the
// Solarman logger). Blocking for its caller (the bus thread), never longer than asked.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "sunbridge/core/result.hpp"

namespace sb::transport {

class TcpStream {
 public:
  TcpStream() = default;
  ~TcpStream() { close(); }
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;

  // Resolves `host` (a name or an address) and connects within `timeout`. kDisconnected when
  // nothing answers or the connection is refused.
  Status connect(const std::string& host, int port, std::chrono::milliseconds timeout);
  void close();
  [[nodiscard]] bool is_open() const { return fd_ >= 0; }

  // All of `bytes`, or an error (the connection is closed on a hard error).
  Status send_all(std::span<const std::uint8_t> bytes, std::chrono::milliseconds timeout);
  // What arrives within `timeout` (at least one byte), kTimeout when nothing did, kDisconnected
  // when the peer closed or reset the connection (then closed here too).
  Result<std::size_t> receive(std::span<std::uint8_t> buffer, std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string peer_;
};

}  // namespace sb::transport
