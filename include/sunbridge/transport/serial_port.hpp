// SPDX-License-Identifier: Apache-2.0
// Raw serial ports for the BMS links, in POSIX termios raw mode with poll()-based timeouts. The
// passive (sniffing) side gets a SerialReader: an interface with no write operation at all,
// backed by a port opened O_RDONLY, so "never transmit on the inverter's segment" holds by
// construction (bms.md section 2).
//
// Not libserialport for I/O: its 0.1.1 (Debian 12) opens only /dev names that have a
// /sys/class/tty entry, which excludes pseudo-terminals (every test) and the stable
// /dev/serial/by-id links installers should use. It is used for what it does well: listing the
// serial adapters present (list_serial_ports, for `doctor`).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sunbridge/core/result.hpp"
#include "sunbridge/transport/endpoint.hpp"

namespace sb::transport {

class SerialReader {
 public:
  virtual ~SerialReader() = default;
  virtual Status open() = 0;
  virtual void close() = 0;
  [[nodiscard]] virtual bool is_open() const = 0;
  // Returns as soon as any bytes are available (up to buf.size()), or 0 after `timeout`.
  // kDisconnected when the port is gone.
  virtual Result<std::size_t> read(std::span<std::uint8_t> buf,
                                   std::chrono::milliseconds timeout) = 0;
  [[nodiscard]] virtual std::string describe() const = 0;
};

class SerialPort : public SerialReader {
 public:
  virtual Status write(std::span<const std::uint8_t> bytes) = 0;
  // Drops whatever was received but not read (before a request, so that a stale reply cannot
  // pass for the next one).
  virtual void discard_input() = 0;
};

namespace detail {
class TtyHandle;
}

// Opened read-only: the kernel refuses writes even if code tried.
class ReadOnlySerialPort final : public SerialReader {
 public:
  explicit ReadOnlySerialPort(SerialLine line);
  ~ReadOnlySerialPort() override;
  Status open() override;
  void close() override;
  [[nodiscard]] bool is_open() const override;
  Result<std::size_t> read(std::span<std::uint8_t> buf, std::chrono::milliseconds timeout) override;
  [[nodiscard]] std::string describe() const override;

 private:
  std::unique_ptr<detail::TtyHandle> h_;
};

class ReadWriteSerialPort final : public SerialPort {
 public:
  explicit ReadWriteSerialPort(SerialLine line);
  ~ReadWriteSerialPort() override;
  Status open() override;
  void close() override;
  [[nodiscard]] bool is_open() const override;
  Result<std::size_t> read(std::span<std::uint8_t> buf, std::chrono::milliseconds timeout) override;
  Status write(std::span<const std::uint8_t> bytes) override;
  void discard_input() override;
  [[nodiscard]] std::string describe() const override;

 private:
  std::unique_ptr<detail::TtyHandle> h_;
};

struct SerialPortInfo {
  std::string name;         // /dev/ttyUSB0
  std::string description;  // "FT232R USB UART"
  std::string usb_serial;   // the adapter's serial number, when USB
  int usb_vid = 0;
  int usb_pid = 0;
};

// The serial ports present (libserialport), for `doctor` when the configured one is missing.
std::vector<SerialPortInfo> list_serial_ports();

}  // namespace sb::transport
