// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/transport/libmodbus_client.hpp"

#include <modbus/modbus.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

namespace sb::transport {

namespace {

void set_timeout(modbus_t* ctx, std::chrono::milliseconds t, bool response) {
  auto sec = static_cast<uint32_t>(t.count() / 1000);
  auto usec = static_cast<uint32_t>((t.count() % 1000) * 1000);
  if (response) {
    modbus_set_response_timeout(ctx, sec, usec);
  } else {
    modbus_set_byte_timeout(ctx, sec, usec);
  }
}

}  // namespace

LibmodbusClient::LibmodbusClient(Endpoint endpoint, int slave, Timing timing)
    : endpoint_(std::move(endpoint)), slave_(slave), timing_(timing) {}

LibmodbusClient::~LibmodbusClient() {
  close();
}

std::string LibmodbusClient::describe() const {
  if (endpoint_.tcp) {
    return "tcp:" + endpoint_.tcp->host + ":" + std::to_string(endpoint_.tcp->port) + " unit " +
           std::to_string(slave_);
  }
  const SerialLine& s = *endpoint_.serial;
  return "rtu:" + s.device + " " + std::to_string(s.baud) + " " + std::to_string(s.data_bits) +
         s.parity + std::to_string(s.stop_bits) + " slave " + std::to_string(slave_);
}

Status LibmodbusClient::open() {
  if (ctx_ != nullptr) return {};
  modbus_t* ctx = nullptr;
  if (endpoint_.tcp) {
    ctx = modbus_new_tcp(endpoint_.tcp->host.c_str(), endpoint_.tcp->port);
  } else {
    const SerialLine& s = *endpoint_.serial;
    ctx = modbus_new_rtu(s.device.c_str(), s.baud, s.parity, s.data_bits, s.stop_bits);
  }
  if (ctx == nullptr) return Error::invalid("libmodbus rejected the settings of " + describe());
  modbus_set_slave(ctx, slave_);
  input_unknown_ = true;
  // Recovery is ours (retries, reopen, back-off); libmodbus must not sleep or reconnect.
  modbus_set_error_recovery(ctx, MODBUS_ERROR_RECOVERY_NONE);
  set_timeout(ctx, timing_.response_timeout, true);
  set_timeout(ctx, timing_.byte_timeout, false);
  if (modbus_connect(ctx) == -1) {
    int err = errno;
    modbus_free(ctx);
    if (err == EACCES || err == EPERM) {
      return Error{ErrorKind::kIo, err, "cannot open " + describe(), Retry::kPermanent};
    }
    return Error::disconnected("cannot open " + describe(), err);
  }
  if (endpoint_.serial) {
    // One owner per bus: an advisory lock every sunbridge process honours, plus TIOCEXCL so
    // that other (non-root) programs cannot open the port behind our back.
    int fd = modbus_get_socket(ctx);
    if (::flock(fd, LOCK_EX | LOCK_NB) == -1) {
      modbus_close(ctx);
      modbus_free(ctx);
      return Error{ErrorKind::kIo, EBUSY,
                   endpoint_.serial->device + " is in use by another process (locked)",
                   Retry::kPermanent};
    }
    ::ioctl(fd, TIOCEXCL);
  }
  ctx_ = ctx;
  return {};
}

void LibmodbusClient::set_slave(int slave) {
  slave_ = slave;
  if (ctx_ != nullptr) modbus_set_slave(ctx_, slave);
}

void LibmodbusClient::close() {
  if (ctx_ == nullptr) return;
  modbus_close(ctx_);
  modbus_free(ctx_);
  ctx_ = nullptr;
}

Error LibmodbusClient::fail(const std::string& what) {
  const int err = errno;
  Error e;
  if (err == ETIMEDOUT) {
    e = Error::timeout(what);
  } else if (err == EMBBADCRC) {
    e = Error::crc(what);
  } else if (err > MODBUS_ENOBASE && err < MODBUS_ENOBASE + MODBUS_EXCEPTION_MAX) {
    e = Error::exception(err - MODBUS_ENOBASE, what);
  } else if (err == EMBBADDATA || err == EMBBADEXC || err == EMBUNKEXC || err == EMBMDATA ||
             err == EMBBADSLAVE) {
    e = Error::malformed(what + ": " + modbus_strerror(err));
  } else if (err == ECONNRESET || err == EIO || err == EBADF || err == ENXIO || err == ENODEV ||
             err == ENOENT || err == EPIPE || err == ECONNREFUSED || err == ENOTCONN) {
    e = Error::disconnected(what, err);
  } else {
    e = Error::io(err, what);
  }
  if (e.kind == ErrorKind::kDisconnected) {
    close();  // the next open() reopens the (possibly replugged) port
  } else if (e.kind != ErrorKind::kException && ctx_ != nullptr) {
    if (e.kind == ErrorKind::kTimeout && endpoint_.serial) {
      // An RTU read reply does not echo the address it answers: a reply arriving after our
      // timeout could pass for the answer to the next request of the same size. Give a late
      // reply time to arrive, then discard it.
      std::this_thread::sleep_for(
          std::min(timing_.response_timeout, std::chrono::milliseconds(500)));
    }
    // Drop whatever (half) frame is left so it cannot be mistaken for the next reply.
    modbus_flush(ctx_);
  }
  return e;
}

void LibmodbusClient::discard_input() {
  // What waits in the port after it opened is not the reply to our first request. After that
  // every failed transaction discards what is left (fail()), and a complete reply leaves
  // nothing: a flush before every request was a system call per transaction for nothing
  // (docs/benchmarks.md). Noise between transactions fails the next reply's checksum, which
  // discards and retries.
  if (endpoint_.serial && input_unknown_) modbus_flush(ctx_);
  input_unknown_ = false;
}

Result<std::vector<std::uint16_t>> LibmodbusClient::read_holding(std::uint16_t address,
                                                                 std::uint16_t count) {
  std::vector<std::uint16_t> words;
  if (Status s = read_holding_into(address, count, words); !s) return s.error();
  return words;
}

Status LibmodbusClient::read_holding_into(std::uint16_t address, std::uint16_t count,
                                          std::vector<std::uint16_t>& words) {
  if (ctx_ == nullptr) return Error::disconnected("port not open");
  discard_input();
  words.resize(count);
  if (modbus_read_registers(ctx_, address, count, words.data()) != count) {
    char what[48];
    std::snprintf(what, sizeof what, "read 0x%04X+%u", address, count);
    return fail(what);
  }
  return {};
}

Status LibmodbusClient::write_single(std::uint16_t address, std::uint16_t value) {
  if (ctx_ == nullptr) return Error::disconnected("port not open");
  discard_input();
  if (modbus_write_register(ctx_, address, value) != 1) {
    char what[48];
    std::snprintf(what, sizeof what, "write 0x%04X", address);
    return fail(what);
  }
  return {};
}

Status LibmodbusClient::write_multiple(std::uint16_t address,
                                       std::span<const std::uint16_t> values) {
  if (ctx_ == nullptr) return Error::disconnected("port not open");
  const int n = static_cast<int>(values.size());
  discard_input();
  if (modbus_write_registers(ctx_, address, n, values.data()) != n) {
    char what[48];
    std::snprintf(what, sizeof what, "write 0x%04X+%d", address, n);
    return fail(what);
  }
  return {};
}

}  // namespace sb::transport
