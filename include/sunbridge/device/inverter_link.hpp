// SPDX-License-Identifier: Apache-2.0
// The SPI-10K-U as the gateway sees it over Modbus: plans reads from the register map, paces and
// retries transactions, learns the firmware's holes, decodes values, tracks link health and
// reopens the port after it vanishes. Runs on the bus owner's thread only.
// The interface: docs/inverter-registers.md.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/core/point_update.hpp"
#include "sunbridge/device/hole_memory.hpp"
#include "sunbridge/device/link_health.hpp"
#include "sunbridge/protocol/block_planner.hpp"
#include "sunbridge/protocol/fault_table.hpp"
#include "sunbridge/protocol/register_codec.hpp"
#include "sunbridge/protocol/register_map.hpp"
#include "sunbridge/transport/modbus_client.hpp"

namespace sb::device {

struct LinkOptions {
  // Silence kept between the end of one transaction and the start of the next.
  std::chrono::milliseconds inter_transaction_gap{200};
  int retries = 2;  // extra attempts for retryable errors (timeout, CRC, malformed, frame error)
  protocol::VoltageScale voltage_scale = protocol::VoltageScale::kAuto;
  std::string state_encoding = "split-phase";
  int list_base = 0;  // inverter.bms_protocol_list_base (DecodeContext::list_base)
  protocol::PlanOptions plan;
  HealthPolicy health;
};

// Read once after every (re)open; the protocol version decides optional rows and E003 decides
// the 12 V normalisation factor.
struct Identity {
  bool read = false;
  std::optional<std::uint16_t> protocol_raw;       // 0x001C, 194 = V1.94
  std::optional<std::uint16_t> rated_voltage_raw;  // 0xE003
  std::optional<std::uint16_t> firmware_raw;       // 0x0014, CPU1 firmware, 208 = V2.08
  std::string serial;
  // What learned holes are kept under: the firmware and protocol versions ("" until both read).
  [[nodiscard]] std::string firmware_key() const;
};

struct LinkStats {
  std::uint64_t transactions = 0;  // attempts, retries included
  std::uint64_t retries = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t crc_errors = 0;
  std::uint64_t exceptions = 0;
  std::uint64_t malformed = 0;
  std::uint64_t disconnects = 0;
  std::uint64_t opens = 0;
  // RTU frame bytes of transactions that were answered (for wire-time figures).
  std::uint64_t request_bytes = 0;
  std::uint64_t response_bytes = 0;
  std::uint64_t answered_frames = 0;
  std::string last_error;
};

struct GroupUpdate {
  protocol::Group group;
  PointUpdate update;
};

// A report handed back for the next poll (poll(group, report)) is written over in place. Its
// fresh points carry keys (PointUpdate::fresh_keys): whoever reads it in between may change
// max_age or drop points, but must not rename or reorder them without clearing the keys.
struct PollReport {
  std::vector<GroupUpdate> groups;  // identity first when it was (re)read in this cycle
  LinkState state = LinkState::kOffline;
  std::optional<Transition> transition;
  bool attempted = true;  // false: skipped while offline inside the back-off
  CycleOutcome outcome;
  LinkStats stats;  // counters after this cycle
  WallTime started{};
  WallTime finished{};
  // Set when this cycle changed what the firmware is known to lack (for the daemon to keep).
  std::optional<std::pair<std::string, LearnedHoles>> learned;
};

class InverterLink {
 public:
  InverterLink(transport::ModbusClient& client, const protocol::RegisterMap& map,
               const protocol::FaultTable& faults, LinkOptions options, const Clock& clock,
               Logger& log);

  // One poll cycle of `group` (plus the identity when not yet read since the port opened).
  PollReport poll(protocol::Group group);
  // The same into `report`, reusing its buffers: a poller that keeps one report per group from
  // one cycle to the next allocates nothing per value while the plan stays the same.
  void poll(protocol::Group group, PollReport& report);

  // Raw register access under the same pacing and retry rules. Not counted in link health.
  Result<std::vector<std::uint16_t>> read_registers(std::uint16_t address, std::uint16_t count);
  Status write_registers(std::uint16_t address, std::span<const std::uint16_t> values);

  // Plan constraints: learned holes and breaks, plus rows this firmware's protocol version
  // lacks (never bridged: reading through them would provoke exception 02).
  [[nodiscard]] protocol::PlanConstraints constraints() const;
  // The blocks the next poll of `group` would read.
  [[nodiscard]] std::vector<protocol::Block> plan(protocol::Group group) const;

  // Thread-safe. Makes every later transaction fail at once (shutdown must not wait out a
  // silent bus).
  void request_stop() { stop_requested_ = true; }

  [[nodiscard]] const Identity& identity() const { return identity_; }
  [[nodiscard]] LinkState state() const { return health_.state(); }
  // What earlier runs learned, per firmware key (Identity::firmware_key); call before polling.
  void set_known_holes(std::map<std::string, LearnedHoles> known) {
    known_holes_ = std::move(known);
  }
  [[nodiscard]] const HoleMemory& memory() const { return memory_; }
  [[nodiscard]] const LinkStats& stats() const { return stats_; }
  [[nodiscard]] protocol::DecodeContext decode_context() const;
  [[nodiscard]] std::string describe_port() const { return client_.describe(); }

 private:
  template <typename T, typename Op>
  Result<T> transact(Op&& op, std::size_t request_bytes, std::size_t response_bytes,
                     CycleOutcome* outcome, int retries);
  // How a group is read and decoded while the identity and the holes stay as they are: worked
  // out once, not every cycle (planning and scaling per cycle showed in the poll's profile).
  struct GroupPlan {
    bool made = false;
    std::uint64_t holes_version = 0;
    std::optional<std::uint16_t> protocol_raw;
    std::optional<std::uint16_t> rated_voltage_raw;
    protocol::DecodeContext ctx;
    std::vector<protocol::Block> blocks;
    // Per block, per row: the number scale under ctx.
    std::vector<std::vector<protocol::NumberScale>> scales;
    std::vector<PointIssue> not_read;  // unsupported, too new for the protocol, in a hole
    std::size_t row_count = 0;
  };
  // The fresh points of one group as they are decoded, written over the elements a reused
  // report already holds (their strings keep their buffers) before any are added.
  // Each point's key (PointUpdate::fresh_keys) is the row it was decoded from; a slot that held
  // the same key last cycle already has the name and unit.
  struct FreshPoints {
    explicit FreshPoints(PointUpdate& update);
    std::vector<Point>& points;
    std::vector<const void*>& keys;
    std::size_t used = 0;
    // At least `count` slots (new ones empty); the ones not used by finish() are removed.
    void make_room(std::size_t count);
    // The slot next() will give, not taken yet: a value may be decoded into it first.
    Point& peek();
    // The next slot for the point of `key`; `same` tells whether it held that point before.
    Point& next(const void* key, bool& same);
    void finish();
  };
  const GroupPlan& group_plan(protocol::Group group);
  void read_group(protocol::Group group, PollReport& report, std::size_t& groups_used);
  void read_block(const protocol::Block& block, std::span<const protocol::NumberScale> scales,
                  const protocol::DecodeContext& ctx, bool may_bisect, PointUpdate& update,
                  FreshPoints& fresh, CycleOutcome& outcome);
  void decode_block(const protocol::Block& block, std::span<const protocol::NumberScale> scales,
                    const protocol::DecodeContext& ctx, std::span<const std::uint16_t> words,
                    WallTime read_at, PointUpdate& update, FreshPoints& fresh);
  void note_identity(const protocol::RegisterRow& row, std::span<const std::uint16_t> words);
  // The site's UTC offset at `t`, kept for the minute it was looked up in.
  std::chrono::seconds local_offset_at(WallTime t);
  // The rows of `group` worth reading now; the others are reported in `update` (if given).
  std::vector<const protocol::RegisterRow*> readable_rows(protocol::Group group,
                                                          PointUpdate* update) const;

  void wait_gap();

  transport::ModbusClient& client_;
  const protocol::RegisterMap& map_;
  const protocol::FaultTable& faults_;
  LinkOptions options_;
  const Clock& clock_;
  Logger& log_;
  LinkHealth health_;
  HoleMemory memory_;
  Identity identity_;
  std::string last_serial_;
  std::string holes_key_;  // the firmware whose holes memory_ holds
  std::map<std::string, LearnedHoles> known_holes_;
  std::map<protocol::Group, GroupPlan> plans_;
  std::uint64_t reported_holes_version_ = ~std::uint64_t{0};  // memory_.version() last compared
  LinkStats stats_;
  std::chrono::steady_clock::time_point last_transaction_end_{};
  std::vector<std::uint16_t> reply_;      // the last block's words, kept for its buffer
  std::optional<WallTime> last_read_at_;  // when this poll's last block was read
  std::optional<std::chrono::sys_time<std::chrono::minutes>> offset_minute_;
  std::chrono::seconds offset_{0};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace sb::device
