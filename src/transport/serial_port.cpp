// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/transport/serial_port.hpp"

#include <fcntl.h>
#include <libserialport.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace sb::transport {

namespace detail {

namespace {

speed_t speed_of(int baud) {
  switch (baud) {
    case 1200:
      return B1200;
    case 2400:
      return B2400;
    case 4800:
      return B4800;
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 115200:
      return B115200;
    default:
      return B0;
  }
}

}  // namespace

// What both port kinds share: opening in raw mode, locking, timed reads, error mapping.
class TtyHandle {
 public:
  TtyHandle(SerialLine line, bool writable) : line_(std::move(line)), writable_(writable) {}
  ~TtyHandle() { close(); }

  Status open() {
    if (fd_ != -1) return {};
    const speed_t speed = speed_of(line_.baud);
    if (speed == B0) return Error::invalid("unsupported baud rate " + std::to_string(line_.baud));
    const int flags = (writable_ ? O_RDWR : O_RDONLY) | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
    int fd = ::open(line_.device.c_str(), flags);
    if (fd == -1) return Error::disconnected("cannot open " + describe(), errno);
    if (::flock(fd, LOCK_EX | LOCK_NB) == -1) {
      ::close(fd);
      return Error{ErrorKind::kIo, EBUSY, line_.device + " is in use by another process (locked)",
                   Retry::kPermanent};
    }
    termios tio{};
    if (::tcgetattr(fd, &tio) == -1) {
      int err = errno;
      ::close(fd);
      return Error::io(err, line_.device + " is not a serial port");
    }
    ::cfmakeraw(&tio);
    tio.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
    tio.c_cflag |= CLOCAL | CREAD | (line_.data_bits == 7 ? CS7 : CS8);
    if (line_.parity != 'N') tio.c_cflag |= PARENB | (line_.parity == 'O' ? PARODD : 0);
    if (line_.stop_bits == 2) tio.c_cflag |= CSTOPB;
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    ::cfsetispeed(&tio, speed);
    ::cfsetospeed(&tio, speed);
    if (::tcsetattr(fd, TCSANOW, &tio) == -1) {
      int err = errno;
      ::close(fd);
      return Error::io(err, "cannot configure " + describe());
    }
    ::tcflush(fd, TCIFLUSH);
    if (!writable_) {
      // A tap must stay electrically silent. O_RDONLY stops our writes, but the driver raises
      // DTR and RTS on open, and adapters that key their RS485 driver from RTS (instead of
      // switching it by themselves) would then hold the bus. Lower both. Ports without modem
      // lines (a pty, some USB chips) refuse the request: nothing to lower there.
      int lines = TIOCM_DTR | TIOCM_RTS;
      (void)::ioctl(fd, TIOCMBIC, &lines);
    }
    fd_ = fd;
    return {};
  }

  void close() {
    if (fd_ == -1) return;
    ::close(fd_);
    fd_ = -1;
  }

  [[nodiscard]] bool is_open() const { return fd_ != -1; }

  Result<std::size_t> read(std::span<std::uint8_t> buf, std::chrono::milliseconds timeout) {
    if (fd_ == -1) return Error::disconnected("port not open");
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, timeout.count())));
    if (ready == 0) return std::size_t{0};
    if (ready < 0) return errno == EINTR ? Result<std::size_t>(std::size_t{0}) : fail("poll");
    ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n > 0) return static_cast<std::size_t>(n);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return std::size_t{0};
    // Readable but nothing to read, or an error: the device went away (unplugged adapter, a pty
    // whose other side closed).
    return fail("read");
  }

  Status write(std::span<const std::uint8_t> bytes) {
    if (fd_ == -1) return Error::disconnected("port not open");
    // Generous: 10 bits per byte at the configured baud, three times over, plus 100 ms.
    const auto budget =
        std::chrono::milliseconds(static_cast<long long>(bytes.size()) * 30000 / line_.baud + 100);
    const auto deadline = std::chrono::steady_clock::now() + budget;
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EINTR) return fail("write");
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Error::timeout("write did not complete");
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, static_cast<int>(left.count()));
    }
    return {};
  }

  void discard_input() {
    if (fd_ != -1) ::tcflush(fd_, TCIFLUSH);
  }

  [[nodiscard]] std::string describe() const {
    return "serial:" + line_.device + " " + std::to_string(line_.baud) + " " +
           std::to_string(line_.data_bits) + line_.parity + std::to_string(line_.stop_bits) +
           (writable_ ? "" : " read-only");
  }

 private:
  Error fail(const char* what) {
    const int err = errno;
    close();  // a failing port is reopened by the next open()
    return Error::disconnected(std::string(what) + " on " + line_.device, err);
  }

  SerialLine line_;
  bool writable_;
  int fd_ = -1;
};

}  // namespace detail

ReadOnlySerialPort::ReadOnlySerialPort(SerialLine line)
    : h_(std::make_unique<detail::TtyHandle>(std::move(line), false)) {}
ReadOnlySerialPort::~ReadOnlySerialPort() = default;
Status ReadOnlySerialPort::open() {
  return h_->open();
}
void ReadOnlySerialPort::close() {
  h_->close();
}
bool ReadOnlySerialPort::is_open() const {
  return h_->is_open();
}
Result<std::size_t> ReadOnlySerialPort::read(std::span<std::uint8_t> buf,
                                             std::chrono::milliseconds timeout) {
  return h_->read(buf, timeout);
}
std::string ReadOnlySerialPort::describe() const {
  return h_->describe();
}

ReadWriteSerialPort::ReadWriteSerialPort(SerialLine line)
    : h_(std::make_unique<detail::TtyHandle>(std::move(line), true)) {}
ReadWriteSerialPort::~ReadWriteSerialPort() = default;
Status ReadWriteSerialPort::open() {
  return h_->open();
}
void ReadWriteSerialPort::close() {
  h_->close();
}
bool ReadWriteSerialPort::is_open() const {
  return h_->is_open();
}
Result<std::size_t> ReadWriteSerialPort::read(std::span<std::uint8_t> buf,
                                              std::chrono::milliseconds timeout) {
  return h_->read(buf, timeout);
}
Status ReadWriteSerialPort::write(std::span<const std::uint8_t> bytes) {
  return h_->write(bytes);
}
void ReadWriteSerialPort::discard_input() {
  h_->discard_input();
}
std::string ReadWriteSerialPort::describe() const {
  return h_->describe();
}

std::vector<SerialPortInfo> list_serial_ports() {
  std::vector<SerialPortInfo> out;
  sp_port** ports = nullptr;
  if (sp_list_ports(&ports) != SP_OK) return out;
  for (int i = 0; ports[i] != nullptr; ++i) {
    SerialPortInfo info;
    info.name = sp_get_port_name(ports[i]);
    if (const char* d = sp_get_port_description(ports[i])) info.description = d;
    if (sp_get_port_transport(ports[i]) == SP_TRANSPORT_USB) {
      if (const char* s = sp_get_port_usb_serial(ports[i])) info.usb_serial = s;
      sp_get_port_usb_vid_pid(ports[i], &info.usb_vid, &info.usb_pid);
    }
    out.push_back(std::move(info));
  }
  sp_free_port_list(ports);
  return out;
}

}  // namespace sb::transport
