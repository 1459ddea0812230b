// SPDX-License-Identifier: Apache-2.0
// The battery packs' BMS, read in one of three ways (bms.md section 2):
//   sniff  - listen-only tap on the inverter <-> master pack pair; never transmits
//   ascii  - PACE v25 through the master's RS232 console (ADR = master, INFO = target pack)
//   modbus - PACE Modbus per pack on an RS485 bus of the gateway's own
// Each source runs on its own bus thread and returns a BmsReport value per cycle.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/core/point_update.hpp"
#include "sunbridge/device/link_health.hpp"
#include "sunbridge/protocol/frame_recognizer.hpp"
#include "sunbridge/protocol/pace_ascii.hpp"
#include "sunbridge/protocol/pack_record.hpp"

namespace sb::device {

enum class BmsMode { kNone, kSniff, kAscii, kModbus };
const char* to_string(BmsMode mode);

struct BmsOptions {
  BmsMode mode = BmsMode::kNone;
  std::vector<int> addresses = {1, 2, 3, 4};  // pack addresses (DIP), 1 = master
  int master = 1;
  int cells = 16;  // cells per pack, for naming points that were never read
  std::chrono::milliseconds frame_gap{100};  // >= 100 ms between frames (PACE)
  std::chrono::milliseconds response_timeout{200};
  int retries = 1;
  protocol::AsciiDialect dialect = protocol::AsciiDialect::kPace;
  std::uint8_t ascii_version = 0x25;
  std::chrono::milliseconds sniff_window{1000};        // one listening window per sniff cycle
  std::chrono::milliseconds line_idle{50};             // silence that ends a frame on a tapped line
  std::chrono::milliseconds sniff_stale_after{30000};  // a pack not seen this long failed
  HealthPolicy health{3, std::chrono::milliseconds(1000), std::chrono::milliseconds(60000)};
};

// Per port, visible in `sunbridge doctor`: what hostile or broken bytes did.
struct PortCounters {
  protocol::StreamCounters stream;
  std::uint64_t requests = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t refused = 0;  // exceptions / RTN != 0
  std::string last_error;
};

struct PackReading {
  int pack = 0;
  std::optional<protocol::PackRecord> record;  // fresh this cycle
  std::string error;                           // why there is no record
  // False when no record was expected this cycle (sniffing: the inverter did not ask for this
  // pack in this window, but did recently): neither a success nor a failure.
  bool due = true;
  LinkState state = LinkState::kOffline;
};

struct BmsReport {
  std::vector<PackReading> packs;  // one per configured address, in order
  PortCounters counters;
  bool port_open = false;
  bool port_lost = false;  // the port could not be opened or vanished during this cycle
  WallTime started{};
  WallTime finished{};
};

class PackHealth;

class BmsSource {
 public:
  virtual ~BmsSource() = default;
  // One polling cycle (active modes) or one listening window (sniff).
  virtual BmsReport poll() = 0;
  // Thread-safe: make the current and later cycles return quickly.
  void request_stop() { stop_ = true; }
  [[nodiscard]] virtual std::string describe() const = 0;

 protected:
  // The skeleton of an active polling cycle: opens the port when needed, then asks each
  // configured pack in turn through `read_pack` (which fills the reading and returns false when
  // the port is gone); packs after a lost port or a stop request get the reason instead. Records
  // pack health and copies the counters.
  BmsReport active_cycle(const BmsOptions& options, const Clock& clock, PackHealth& health,
                         PortCounters& counters, const std::function<Status()>& open_port,
                         const std::function<bool(PackReading&)>& read_pack);

  std::atomic<bool> stop_{false};
};

// Per-pack link health with transition-only logging, shared by the three modes.
class PackHealth {
 public:
  PackHealth(const BmsOptions& options, const Clock& clock, Logger& log);
  // Records the outcome of each reading and fills in its state.
  void record(std::vector<PackReading>& readings, bool port_lost);

 private:
  const Clock& clock_;
  Logger& log_;
  std::map<int, LinkHealth> health_;
};

// Points of one pack (pack.N.*, points.md) from a fresh record.
PointUpdate pack_points(const protocol::PackRecord& record, WallTime read_at);
// The names a pack publishes, to mark them stale when it does not answer.
std::vector<PointIssue> pack_point_issues(int pack, int cells, const std::string& reason);

}  // namespace sb::device
