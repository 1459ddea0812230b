// SPDX-License-Identifier: Apache-2.0
#include "sim/modbus_server.hpp"

#include <fcntl.h>
#include <modbus/modbus.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sunbridge/protocol/rtu_wire.hpp"

namespace sb::sim {

namespace {

std::uint16_t be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

// Response length for pacing: what the reply frame would be on an RTU line.
std::size_t response_bytes(std::uint8_t function, int exception, std::size_t words) {
  if (exception != 0) return protocol::kExceptionResponseBytes;
  if (function == 0x03) return protocol::read_response_bytes(words);
  return protocol::kWriteSingleBytes;  // FC 06 echo and FC 10 reply are both 8 bytes
}

// A reply built by hand, used only when its CRC is to be corrupted on purpose.
std::vector<std::uint8_t> rtu_frame(const std::vector<std::uint8_t>& req, int exception,
                                    const std::vector<std::uint16_t>& words) {
  std::vector<std::uint8_t> f = {req[0]};
  if (exception != 0) {
    f.push_back(static_cast<std::uint8_t>(req[1] | 0x80));
    f.push_back(static_cast<std::uint8_t>(exception));
  } else if (req[1] == 0x03) {
    f.push_back(0x03);
    f.push_back(static_cast<std::uint8_t>(words.size() * 2));
    for (auto w : words) {
      f.push_back(static_cast<std::uint8_t>(w >> 8));
      f.push_back(static_cast<std::uint8_t>(w & 0xFF));
    }
  } else {
    f.insert(f.end(), req.begin() + 1, req.begin() + 6);
  }
  std::uint16_t crc = protocol::crc16_modbus(f);
  f.push_back(static_cast<std::uint8_t>(crc & 0xFF));
  f.push_back(static_cast<std::uint8_t>(crc >> 8));
  return f;
}

}  // namespace

ModbusServer::ModbusServer(EventLoop& loop, RegisterImage& image, ServeOptions options,
                           FaultPlan& faults, Logger& log, std::uint32_t seed)
    : loop_(loop),
      image_(image),
      options_(std::move(options)),
      faults_(faults),
      log_(log),
      rng_(seed),
      pty_(options_.link_path) {}

ModbusServer::~ModbusServer() {
  disappear();
  close_tcp_client();
  if (tcp_listen_fd_ != -1) {
    loop_.unwatch(tcp_listen_fd_);
    ::close(tcp_listen_fd_);
  }
  if (tcp_ != nullptr) modbus_free(tcp_);
}

Status ModbusServer::start() {
  if (Status s = appear(); !s) return s;
  if (options_.tcp_port) {
    tcp_ = modbus_new_tcp("127.0.0.1", *options_.tcp_port);  // loopback only
    if (tcp_ == nullptr) return Error::io(errno, "modbus_new_tcp");
    modbus_set_slave(tcp_, image_.firmware().slave);
    tcp_listen_fd_ = modbus_tcp_listen(tcp_, 1);
    if (tcp_listen_fd_ == -1) {
      return Error::io(errno, "cannot listen on 127.0.0.1:" + std::to_string(*options_.tcp_port));
    }
    loop_.watch(tcp_listen_fd_, POLLIN, [this](short) { on_tcp_accept(); });
  }
  return {};
}

bool ModbusServer::new_rtu_context() {
  if (rtu_ != nullptr) modbus_free(rtu_);
  rtu_ = modbus_new_rtu(pty_.path().c_str(), options_.baud, 'N', 8, 1);
  if (rtu_ == nullptr) return false;
  modbus_set_slave(rtu_, image_.firmware().slave);
  modbus_set_socket(rtu_, pty_.master_fd());
  modbus_set_byte_timeout(rtu_, 0, 100000);
  return true;
}

Status ModbusServer::appear() {
  if (pty_.is_open()) return {};
  if (Status s = pty_.open(); !s) return s;
  // libmodbus parses requests and sends replies on the master side; the device path only names
  // the context, it is never opened (no modbus_connect).
  if (!new_rtu_context()) {
    pty_.close();
    return Error::io(errno, "modbus_new_rtu");
  }
  ++generation_;
  loop_.watch(pty_.master_fd(), POLLIN, [this](short) { on_rtu_readable(); });
  return {};
}

void ModbusServer::disappear() {
  if (!pty_.is_open()) return;
  loop_.unwatch(pty_.master_fd());
  modbus_free(rtu_);  // not modbus_close: the context never opened a device
  rtu_ = nullptr;
  pty_.close();
  ++generation_;
}

void ModbusServer::on_rtu_readable() {
  std::uint8_t req[MODBUS_RTU_MAX_ADU_LENGTH];
  int n = modbus_receive(rtu_, req);
  if (n > 0) {
    handle(rtu_, req, n, true);
    return;
  }
  if (n == 0) {
    // A request for another slave id: the inverter stays silent. libmodbus would now take the
    // next frame for that slave's reply and swallow it; a real inverter judges every frame on
    // its own (a master probing ids 1, 2, 3 is answered at its id), so start afresh.
    ++stats_.other_slave;
    new_rtu_context();
    return;
  }
  if (n == -1) {
    if (errno == EIO) {
      return;  // no client has the pty open; nothing to read
    }
    ++stats_.bad_frames;  // wrong CRC, truncated or garbage: a real slave stays silent
    modbus_flush(rtu_);
  }
}

void ModbusServer::on_tcp_accept() {
  int fd = tcp_listen_fd_;
  int client = modbus_tcp_accept(tcp_, &fd);  // sets the context's socket to the client
  if (client == -1) return;
  close_tcp_client();  // one client at a time, like a gateway's single Modbus TCP session
  tcp_client_fd_ = client;
  loop_.watch(client, POLLIN, [this](short) { on_tcp_readable(); });
}

void ModbusServer::close_tcp_client() {
  if (tcp_client_fd_ == -1) return;
  loop_.unwatch(tcp_client_fd_);
  ::close(tcp_client_fd_);
  tcp_client_fd_ = -1;
}

void ModbusServer::on_tcp_readable() {
  std::uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH];
  int n = modbus_receive(tcp_, req);
  if (n > 0) {
    handle(tcp_, req, n, false);
  } else if (n == -1) {
    close_tcp_client();
  }
}

void ModbusServer::handle(_modbus* ctx, const std::uint8_t* req, int length, bool rtu) {
  ++stats_.requests;
  const int offset = modbus_get_header_length(ctx);
  const std::uint8_t slave = req[offset - 1];
  const std::uint8_t function = req[offset];
  const std::uint16_t address = be16(req + offset + 1);
  int exception = 0;
  std::vector<std::uint16_t> words;
  switch (function) {
    case 0x03:
      exception = image_.read(address, be16(req + offset + 3), words);
      break;
    case 0x06: {
      std::uint16_t value = be16(req + offset + 3);
      exception = image_.write(address, std::span<const std::uint16_t>(&value, 1), false);
      break;
    }
    case 0x10: {
      const std::uint16_t count = be16(req + offset + 3);
      const std::uint8_t bytes = req[offset + 5];
      if (count == 0 || bytes != count * 2 || offset + 6 + bytes > length) {
        exception = 0x03;
        break;
      }
      for (int i = 0; i < count; ++i)
        words.push_back(be16(req + offset + 6 + 2 * i));
      exception = image_.write(address, words, true);
      words.clear();
      break;
    }
    default:
      exception = 0x01;
  }
  if (exception == 0 && function != 0x03) ++stats_.writes;
  if (slave == 0) return;  // broadcast: applied, never answered

  std::vector<std::uint8_t> request(req, req + length);
  auto release = EventLoop::Clock::now() + options_.turnaround + faults_.extra_delay;
  if (rtu && options_.pacing) {
    // The request is here at once (a pty), but on RS485 it would still be arriving: hold the
    // reply until both frames would have crossed the line.
    release += protocol::transaction_wire_time(static_cast<std::size_t>(length),
                                               response_bytes(function, exception, words.size()),
                                               options_.baud, options_.bits_per_char);
  }
  const std::uint64_t gen = generation_;
  loop_.schedule_at(release, [this, ctx, request = std::move(request), exception,
                              words = std::move(words), rtu, gen]() mutable {
    if (rtu && gen != generation_) return;  // the pty vanished meanwhile
    if (!rtu && tcp_client_fd_ == -1) return;
    send_reply(ctx, std::move(request), exception, std::move(words), rtu);
  });
}

void ModbusServer::send_reply(_modbus* ctx, std::vector<std::uint8_t> request, int exception,
                              std::vector<std::uint16_t> words, bool rtu) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  if (faults_.drop_next > 0 || u(rng_) < faults_.drop_rate) {
    if (faults_.drop_next > 0) --faults_.drop_next;
    ++stats_.dropped;
    return;
  }
  if (rtu && faults_.noise_next > 0) {
    --faults_.noise_next;
    std::uniform_int_distribution<int> byte(0, 255);
    std::vector<std::uint8_t> noise(7);
    for (auto& b : noise)
      b = static_cast<std::uint8_t>(byte(rng_));
    ssize_t ignored = ::write(pty_.master_fd(), noise.data(), noise.size());
    (void)ignored;
  }
  const int offset = modbus_get_header_length(ctx);
  if (exception != 0) ++stats_.exceptions;
  if (rtu && (faults_.corrupt_next > 0 || u(rng_) < faults_.corrupt_rate)) {
    if (faults_.corrupt_next > 0) --faults_.corrupt_next;
    ++stats_.corrupted;
    auto frame = rtu_frame(request, exception, words);
    frame.back() ^= 0x5A;
    ssize_t ignored = ::write(pty_.master_fd(), frame.data(), frame.size());
    (void)ignored;
    return;
  }
  ++stats_.replies;
  if (exception != 0) {
    modbus_reply_exception(ctx, request.data(), static_cast<unsigned>(exception));
    return;
  }
  // modbus_reply answers from a mapping: give it one covering just this request.
  const std::uint16_t address = be16(request.data() + offset + 1);
  const std::uint16_t count = be16(request.data() + offset + 3);
  const std::uint16_t n = request[offset] == 0x06 ? 1 : count;
  modbus_mapping_t* mapping = modbus_mapping_new_start_address(0, 0, 0, 0, address, n, 0, 0);
  if (mapping == nullptr) return;
  for (std::size_t i = 0; i < words.size() && i < n; ++i)
    mapping->tab_registers[i] = words[i];
  modbus_reply(ctx, request.data(), static_cast<int>(request.size()), mapping);
  modbus_mapping_free(mapping);
}

}  // namespace sb::sim
