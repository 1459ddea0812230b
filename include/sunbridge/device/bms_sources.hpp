// SPDX-License-Identifier: Apache-2.0
// The three ways into the packs' BMS (see bms.hpp).
#pragma once

#include <map>
#include <optional>

#include "sunbridge/device/bms.hpp"
#include "sunbridge/transport/modbus_client.hpp"
#include "sunbridge/transport/serial_port.hpp"

namespace sb::device {

// PACE Modbus V1.3 per pack on a bus the gateway owns: registers 0-36 every cycle, 150-179 once.
class BmsModbusPoller final : public BmsSource {
 public:
  BmsModbusPoller(transport::ModbusClient& client, BmsOptions options, const Clock& clock,
                  Logger& log);
  BmsReport poll() override;
  [[nodiscard]] std::string describe() const override { return client_.describe(); }

 private:
  Result<std::vector<std::uint16_t>> read(std::uint16_t start, std::uint16_t count);
  transport::ModbusClient& client_;
  BmsOptions options_;
  const Clock& clock_;
  PackHealth health_;
  PortCounters counters_;                     // cumulative, per port
  std::map<int, protocol::PackRecord> info_;  // firmware/model/serial per pack
  std::chrono::steady_clock::time_point last_frame_{};
};

// PACE v25 ASCII through the master pack's RS232 console: ADR = master, INFO = target pack.
class BmsAsciiPoller final : public BmsSource {
 public:
  BmsAsciiPoller(transport::SerialPort& port, BmsOptions options, const Clock& clock, Logger& log);
  BmsReport poll() override;
  [[nodiscard]] std::string describe() const override { return port_.describe(); }

 private:
  Result<protocol::AsciiFrame> transact(std::uint8_t command, std::uint8_t target);
  bool read_pack(PackReading& reading);
  transport::SerialPort& port_;
  BmsOptions options_;
  const Clock& clock_;
  PackHealth health_;
  protocol::FrameRecognizer recognizer_;
  PortCounters counters_;  // cumulative, per port
  std::map<int, protocol::PackRecord> info_;
  std::chrono::steady_clock::time_point last_frame_{};
};

// Listens on a tap of the inverter <-> master pack pair and decodes what they exchange. Holds a
// SerialReader, which has no write operation, on a port opened read-only.
class BmsSniffer final : public BmsSource {
 public:
  BmsSniffer(transport::SerialReader& reader, BmsOptions options, const Clock& clock, Logger& log);
  BmsReport poll() override;
  [[nodiscard]] std::string describe() const override { return reader_.describe(); }

 private:
  void take(const protocol::RecognizedFrame& frame, WallTime now);
  transport::SerialReader& reader_;
  BmsOptions options_;
  const Clock& clock_;
  PackHealth health_;
  protocol::FrameRecognizer recognizer_;
  std::optional<protocol::AsciiFrame> pending_ascii_;
  std::map<int, protocol::PackRecord> seen_;   // records completed in this window
  std::map<int, protocol::PackRecord> flags_;  // latest alarm frame per pack (ASCII)
  std::map<int, protocol::PackRecord> info_;
  std::map<int, WallTime> last_seen_;
  PortCounters counters_;
};

}  // namespace sb::device
