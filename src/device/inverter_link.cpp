// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/device/inverter_link.hpp"

#include <cassert>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <thread>

#include "sunbridge/protocol/rtu_wire.hpp"
#include "sunbridge/protocol/srne_exceptions.hpp"

namespace sb::device {

using protocol::Block;
using protocol::Group;
using protocol::RegisterRow;
using protocol::RegType;

namespace {

constexpr const char* kComponent = "inverter";

std::string hex_range(std::uint16_t start, std::uint16_t count) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%04X+%u", start, count);
  return buf;
}

// The next group of a report being (re)filled: a kept report's groups are reused in order.
PointUpdate& reuse_group(PollReport& report, std::size_t& used, Group group) {
  if (used == report.groups.size()) report.groups.push_back({group, {}});
  GroupUpdate& g = report.groups[used++];
  g.group = group;
  g.update.stale.clear();
  g.update.max_age = {};
  return g.update;  // `fresh` and `invalid` are written over by the caller
}

constexpr const char* kClockSkew = "inverter.clock_skew";
// The clock skew's key (PointUpdate::fresh_keys): it has no row of its own.
constexpr char kClockSkewKey = 0;

// Everything of a fresh point but its value, which the caller has written. Assigning over a
// reused point's strings keeps their buffers (no allocation per value). A slot that held this
// point before (`same`) has its name and unit already.
void set_fresh_except_value(Point& p, bool same, std::string_view name, std::string_view unit,
                            WallTime read_at, int decimals) {
  assert(!same || (p.name == name && p.unit == unit));
  if (!same && p.name != name) p.name = name;
  if (!same && p.unit != unit) p.unit = unit;
  p.quality = Quality::kOk;
  p.ts = read_at;
  p.note.clear();
  p.decimals = decimals;
}

bool is_exception(const Error& e, int code) {
  return e.kind == ErrorKind::kException && e.code == code;
}

void mark_rows(const Block& block, const std::string& reason, std::vector<PointIssue>& out) {
  for (const RegisterRow* r : block.rows)
    out.push_back({r->name, reason, r->unit});
}

}  // namespace

InverterLink::InverterLink(transport::ModbusClient& client, const protocol::RegisterMap& map,
                           const protocol::FaultTable& faults, LinkOptions options,
                           const Clock& clock, Logger& log)
    : client_(client),
      map_(map),
      faults_(faults),
      options_(std::move(options)),
      clock_(clock),
      log_(log),
      health_(options_.health) {}

protocol::DecodeContext InverterLink::decode_context() const {
  protocol::DecodeContext ctx;
  ctx.battery_voltage_factor =
      protocol::battery_voltage_factor(options_.voltage_scale, identity_.rated_voltage_raw);
  ctx.enum_variant = options_.state_encoding;
  ctx.list_base = options_.list_base;
  ctx.faults = &faults_;
  return ctx;
}

void InverterLink::wait_gap() {
  if (options_.inter_transaction_gap.count() <= 0) return;
  // Physical bus timing: always real time, whatever clock the rest of the program uses.
  std::this_thread::sleep_until(last_transaction_end_ + options_.inter_transaction_gap);
}

template <typename T, typename Op>
Result<T> InverterLink::transact(Op&& op, std::size_t request_bytes, std::size_t response_bytes,
                                 CycleOutcome* outcome, int retries) {
  for (int attempt = 0;; ++attempt) {
    if (stop_requested_)
      return Error{ErrorKind::kIo, ECANCELED, "shutting down", Retry::kPermanent};
    wait_gap();
    ++stats_.transactions;
    Result<T> result = op();
    // Only a gap to keep needs the time (a clock read per transaction showed in the profile).
    if (options_.inter_transaction_gap.count() > 0) {
      last_transaction_end_ = std::chrono::steady_clock::now();
    }
    if (result.ok()) {
      stats_.request_bytes += request_bytes;
      stats_.response_bytes += response_bytes;
      ++stats_.answered_frames;
      if (outcome != nullptr) ++outcome->succeeded;
      return result;
    }
    Error e = result.error();
    switch (e.kind) {
      case ErrorKind::kTimeout:
        ++stats_.timeouts;
        break;
      case ErrorKind::kCrc:
        ++stats_.crc_errors;
        break;
      case ErrorKind::kMalformed:
        ++stats_.malformed;
        break;
      case ErrorKind::kDisconnected:
        ++stats_.disconnects;
        break;
      case ErrorKind::kException:
        ++stats_.exceptions;
        e.detail += std::string(" (") + protocol::srne_exception_text(e.code) + ")";
        if (protocol::srne_exception_retryable(e.code)) e.retry = Retry::kRetryable;
        break;
      default:
        break;
    }
    stats_.last_error = e.describe();
    const bool answered = e.kind == ErrorKind::kException;
    const bool give_up = !e.retryable() || attempt >= retries || e.kind == ErrorKind::kDisconnected;
    if (give_up) {
      if (outcome != nullptr) {
        if (answered) {
          ++outcome->succeeded;  // the device answered: the link works
        } else {
          ++outcome->failed;
          outcome->last_error = e.describe();
          if (e.kind == ErrorKind::kDisconnected) outcome->port_lost = true;
        }
      }
      return e;
    }
    ++stats_.retries;
  }
}

std::vector<const RegisterRow*> InverterLink::readable_rows(Group group,
                                                            PointUpdate* update) const {
  std::vector<const RegisterRow*> rows;
  for (const RegisterRow* row : map_.group(group)) {
    if (memory_.is_unsupported(*row)) {
      if (update) {
        update->invalid.push_back(
            {row->name, "not implemented by this firmware (exception 02)", row->unit});
      }
      continue;
    }
    if (row->min_protocol > 0 && identity_.protocol_raw &&
        *identity_.protocol_raw < row->min_protocol) {
      if (update) {
        char reason[96];
        std::snprintf(reason, sizeof reason, "needs protocol V%.2f, device has V%.2f",
                      row->min_protocol / 100.0, *identity_.protocol_raw / 100.0);
        update->invalid.push_back({row->name, reason, row->unit});
      }
      continue;
    }
    rows.push_back(row);
  }
  return rows;
}

protocol::PlanConstraints InverterLink::constraints() const {
  protocol::PlanConstraints c = memory_.constraints(map_);
  if (identity_.protocol_raw) {
    for (const auto& row : map_.rows()) {
      if (row.min_protocol > *identity_.protocol_raw) {
        c.holes.push_back({row.address, static_cast<std::uint16_t>(row.end() - 1)});
      }
    }
  }
  return c;
}

std::vector<Block> InverterLink::plan(Group group) const {
  auto rows = readable_rows(group, nullptr);
  return protocol::plan_blocks(rows, constraints(), options_.plan);
}

InverterLink::FreshPoints::FreshPoints(PointUpdate& update)
    : points(update.fresh), keys(update.fresh_keys) {
  // Keys that do not match the points (the report was changed since) are forgotten.
  if (!update.keyed()) keys.assign(points.size(), nullptr);
}

void InverterLink::FreshPoints::make_room(std::size_t count) {
  if (points.size() >= count) return;
  points.resize(count);
  keys.resize(count, nullptr);
}

Point& InverterLink::FreshPoints::peek() {
  if (used == points.size()) make_room(used + 1);  // a split block's halves: rare
  return points[used];
}

Point& InverterLink::FreshPoints::next(const void* key, bool& same) {
  if (used == points.size()) make_room(used + 1);
  same = keys[used] == key;
  keys[used] = key;
  return points[used++];
}

void InverterLink::FreshPoints::finish() {
  points.erase(points.begin() + static_cast<std::ptrdiff_t>(used), points.end());
  keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(used), keys.end());
}

PollReport InverterLink::poll(Group group) {
  PollReport report;
  poll(group, report);
  return report;
}

void InverterLink::poll(Group group, PollReport& report) {
  report.state = LinkState::kOffline;
  report.transition.reset();
  report.attempted = true;
  report.outcome = CycleOutcome{};
  report.learned.reset();
  report.started = clock_.wall_now();
  last_read_at_.reset();
  std::size_t groups_used = 0;
  const auto finish = [&] {
    report.groups.resize(groups_used);
    // Compared only when something was learned (copying both sets every cycle showed).
    if (!holes_key_.empty() && memory_.version() != reported_holes_version_) {
      reported_holes_version_ = memory_.version();
      LearnedHoles now = memory_.learned();
      auto& known = known_holes_[holes_key_];
      if (!(now == known)) {
        known = now;
        report.learned = std::make_pair(holes_key_, std::move(now));
      }
    }
    report.transition = health_.record(report.outcome, clock_.mono_now());
    report.state = health_.state();
    if (report.transition) {
      const auto& t = *report.transition;
      log_.log(
          t.to == LinkState::kOnline ? LogLevel::kInfo : LogLevel::kWarning, kComponent,
          std::string("link ") + to_string(t.from) + " -> " + to_string(t.to) + ": " + t.reason);
      // An offline link is closed so that the next attempt reopens it: a replugged USB adapter
      // gets a new file descriptor, a wedged one gets reset.
      if (t.to == LinkState::kOffline) client_.close();
    }
    // The last read's time is the cycle's end to within microseconds (a clock read less).
    report.finished = last_read_at_.value_or(clock_.wall_now());
    report.stats = stats_;
  };
  const auto all_stale = [&](Group g, const std::string& reason) {
    PointUpdate& update = reuse_group(report, groups_used, g);
    update.fresh.clear();
    update.invalid.clear();
    for (const RegisterRow* row : readable_rows(g, &update)) {
      update.stale.push_back({row->name, reason, row->unit});
    }
  };

  if (!health_.may_attempt(clock_.mono_now())) {
    report.attempted = false;
    report.state = health_.state();
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(health_.next_attempt() -
                                                                      clock_.mono_now());
    all_stale(group, "link offline; next attempt in " + std::to_string(wait.count()) + " ms");
    report.groups.resize(groups_used);
    report.stats = stats_;
    report.finished = clock_.wall_now();
    return;
  }

  if (!client_.is_open()) {
    ++stats_.opens;
    Status opened = client_.open();
    if (!opened) {
      report.outcome.port_lost = true;
      report.outcome.failed = 1;
      report.outcome.last_error = opened.error().describe();
      stats_.last_error = report.outcome.last_error;
      all_stale(group, report.outcome.last_error);
      finish();
      return;
    }
    identity_.read = false;  // the device behind the port may have changed
  }

  if (!identity_.read && group != Group::kIdentity) {
    read_group(Group::kIdentity, report, groups_used);
  }
  read_group(group, report, groups_used);
  finish();
}

const InverterLink::GroupPlan& InverterLink::group_plan(Group group) {
  GroupPlan& plan = plans_[group];
  if (plan.made && plan.holes_version == memory_.version() &&
      plan.protocol_raw == identity_.protocol_raw &&
      plan.rated_voltage_raw == identity_.rated_voltage_raw) {
    return plan;
  }
  plan = GroupPlan{};
  plan.made = true;
  plan.holes_version = memory_.version();
  plan.protocol_raw = identity_.protocol_raw;
  plan.rated_voltage_raw = identity_.rated_voltage_raw;
  plan.ctx = decode_context();
  PointUpdate skipped;
  auto rows = readable_rows(group, &skipped);
  plan.not_read = std::move(skipped.invalid);
  plan.blocks = protocol::plan_blocks(rows, constraints(), options_.plan);
  for (const Block& b : plan.blocks) {
    auto& scales = plan.scales.emplace_back();
    for (const RegisterRow* r : b.rows)
      scales.push_back(protocol::number_scale(*r, plan.ctx));
    plan.row_count += b.rows.size();
  }
  // Rows the plan left out overlap a declared hole.
  if (plan.row_count != rows.size()) {
    for (const RegisterRow* row : rows) {
      bool in_plan = false;
      for (const auto& b : plan.blocks) {
        for (const RegisterRow* r : b.rows)
          in_plan = in_plan || r == row;
      }
      if (!in_plan) {
        plan.not_read.push_back({row->name, "inside a declared hole of the map", row->unit});
      }
    }
  }
  return plan;
}

void InverterLink::read_group(Group group, PollReport& report, std::size_t& groups_used) {
  const GroupPlan& plan = group_plan(group);
  PointUpdate& update = reuse_group(report, groups_used, group);
  update.invalid = plan.not_read;  // assigned over the elements it holds
  FreshPoints fresh(update);
  // Sized once (+1: the clock skew computed beside the clock); finish() trims what is unused.
  fresh.make_room(plan.row_count + 1);
  // A hole learned in this loop changes the plan for the next cycle, not this one's.
  for (std::size_t b = 0; b < plan.blocks.size(); ++b) {
    const Block& block = plan.blocks[b];
    if (report.outcome.port_lost) {
      mark_rows(block, "port lost: " + report.outcome.last_error, update.stale);
      continue;
    }
    // Fail fast: when nothing at all has answered in this cycle and a block just went
    // unanswered through all its retries, the device is silent; reading the remaining blocks
    // would only hold the bus for (blocks x attempts x timeout).
    if (report.outcome.succeeded == 0 && report.outcome.failed > 0) {
      mark_rows(block, "skipped: no answer this cycle (" + report.outcome.last_error + ")",
                update.stale);
      continue;
    }
    read_block(block, plan.scales[b], plan.ctx, /*may_bisect=*/true, update, fresh, report.outcome);
  }
  fresh.finish();
  if (group == Group::kIdentity) {
    // Complete only when every row answered or is known to be absent: a row that timed out
    // (E003, say, which sets the 12 V normalisation) is read again next cycle, not left unknown
    // until the port reopens.
    identity_.read = !update.fresh.empty() && update.stale.empty();
    if (identity_.read && !identity_.serial.empty() && identity_.serial != last_serial_) {
      if (!last_serial_.empty()) {
        log_.warn(kComponent, "a different inverter answers (serial " + last_serial_ + " -> " +
                                  identity_.serial + ")");
      }
      last_serial_ = identity_.serial;
    }
    // Holes belong to a firmware: use what was learned for this one (in an earlier run too).
    const std::string key = identity_.firmware_key();
    if (identity_.read && !key.empty() && key != holes_key_) {
      // What this identity read just learned belongs to the new firmware; what was learned
      // before it, to the old one.
      if (!holes_key_.empty()) {
        log_.warn(kComponent, "firmware " + holes_key_ + " -> " + key + ": its own holes apply");
        memory_.reset();
      }
      if (auto known = known_holes_.find(key); known != known_holes_.end()) {
        memory_.merge(known->second);
        log_.info(kComponent, "firmware " + key + ": " +
                                  std::to_string(known->second.unsupported.size()) +
                                  " unsupported rows known from earlier runs");
      }
      holes_key_ = key;
    }
  }
}

void InverterLink::read_block(const Block& block, std::span<const protocol::NumberScale> scales,
                              const protocol::DecodeContext& ctx, bool may_bisect,
                              PointUpdate& update, FreshPoints& fresh, CycleOutcome& outcome) {
  // Into the kept reply buffer: no allocation per reply.
  auto answered = transact<bool>(
      [&]() -> Result<bool> {
        if (Status s = client_.read_holding_into(block.start, block.count, reply_); !s) {
          return s.error();
        }
        // The rows are sliced out of the reply by address: it must hold the whole block.
        if (reply_.size() != block.count) {
          return Error::malformed(std::to_string(reply_.size()) + " registers for a read of " +
                                  std::to_string(block.count));
        }
        return true;
      },
      protocol::kReadRequestBytes, protocol::read_response_bytes(block.count), &outcome,
      options_.retries);
  const WallTime read_at = clock_.wall_now();
  last_read_at_ = read_at;
  if (answered.ok()) {
    decode_block(block, scales, ctx, reply_, read_at, update, fresh);
    return;
  }
  const Error& e = answered.error();
  if (!is_exception(e, protocol::kExIllegalAddress)) {
    mark_rows(block, e.describe(), update.stale);
    return;
  }
  // Exception 02: the block covers an address the firmware lacks.
  if (block.rows.size() == 1) {
    const RegisterRow& row = *block.rows.front();
    memory_.mark_unsupported(row);
    update.invalid.push_back(
        {row.name, "not implemented by this firmware (exception 02)", row.unit});
    log_.info(kComponent, "firmware lacks " + hex_range(row.address, row.length) + " (" + row.name +
                              "): no longer read");
    return;
  }
  auto [left, right] = protocol::bisect(block);
  memory_.add_break(right.start);
  if (!may_bisect) {
    // Bisect once per failure; the break narrows the plan on the next cycle.
    mark_rows(block,
              "exception 02 inside " + hex_range(block.start, block.count) +
                  "; narrowing the plan on the next cycle",
              update.stale);
    return;
  }
  log_.info(kComponent, "exception 02 on " + hex_range(block.start, block.count) +
                            ": splitting at " + hex_range(right.start, right.count));
  read_block(left, {}, ctx, false, update, fresh, outcome);
  if (outcome.port_lost) {
    mark_rows(right, "port lost: " + outcome.last_error, update.stale);
    return;
  }
  read_block(right, {}, ctx, false, update, fresh, outcome);
}

void InverterLink::decode_block(const Block& block, std::span<const protocol::NumberScale> scales,
                                const protocol::DecodeContext& ctx,
                                std::span<const std::uint16_t> words, WallTime read_at,
                                PointUpdate& update, FreshPoints& fresh) {
  for (std::size_t i = 0; i < block.rows.size(); ++i) {
    const RegisterRow* row = block.rows[i];
    // Empty for the halves of a bisected block (rare): worked out here then.
    protocol::NumberScale worked_out;
    if (scales.empty()) worked_out = protocol::number_scale(*row, ctx);
    const protocol::NumberScale& scale = scales.empty() ? worked_out : scales[i];
    auto slice = words.subspan(row->address - block.start, row->length);
    if (row->group == Group::kIdentity) note_identity(*row, slice);
    bool same = false;
    if (scale.known) {  // a number row with its step known
      Point& p = fresh.next(row, same);
      assign_value(p.value, protocol::decode_number(*row, slice, scale));
      set_fresh_except_value(p, same, row->name, row->unit, read_at, scale.decimals);
      continue;
    }
    // Straight into the next slot, whose text buffer is reused; the slot is taken only if the
    // words decode (otherwise the next row, or finish(), writes over it).
    if (Status s = protocol::decode_into(*row, slice, ctx, scale, fresh.peek().value); !s) {
      update.invalid.push_back({row->name, s.error().describe(), row->unit});
      continue;
    }
    Point& p = fresh.next(row, same);
    set_fresh_except_value(p, same, row->name, row->unit, read_at, scale.decimals);
    if (row->type == RegType::kClock) {
      // Skew = inverter clock - system clock (the inverter keeps site-local time).
      auto civil = protocol::decode_clock(slice);
      auto inverter_s = civil ? civil_seconds(*civil) : std::nullopt;
      if (inverter_s) {
        // Both sides as site-local seconds, the offset taken at the read (calendar arithmetic:
        // mktime per poll showed in the poll's profile). Near a daylight-saving change the
        // inverter's time is read in the offset of now, which is what a clock that is close to
        // right means.
        const auto local_read = read_at.time_since_epoch() + local_offset_at(read_at);
        double skew_s =
            std::round(std::chrono::duration<double>(*inverter_s - local_read).count()) +
            0.0;  // no -0
        Point& skew = fresh.next(&kClockSkewKey, same);
        assign_value(skew.value, skew_s);
        set_fresh_except_value(skew, same, kClockSkew, "s", read_at, 0);
      } else {
        update.invalid.push_back({kClockSkew, "inverter clock is not a valid local time", "s"});
      }
    }
  }
}

std::chrono::seconds InverterLink::local_offset_at(WallTime t) {
  // A zone's offset changes on a whole minute: one look-up per minute of reads.
  const auto minute = std::chrono::floor<std::chrono::minutes>(t);
  if (!offset_minute_ || *offset_minute_ != minute) {
    offset_minute_ = minute;
    offset_ = local_utc_offset(t);
  }
  return offset_;
}

std::string Identity::firmware_key() const {
  if (!firmware_raw || !protocol_raw) return "";
  char key[48];
  std::snprintf(key, sizeof key, "cpu1 V%u.%02u protocol V%u.%02u", *firmware_raw / 100u,
                *firmware_raw % 100u, *protocol_raw / 100u, *protocol_raw % 100u);
  return key;
}

void InverterLink::note_identity(const RegisterRow& row, std::span<const std::uint16_t> words) {
  if (row.name == "inverter.protocol_version") identity_.protocol_raw = words[0];
  if (row.name == "inverter.firmware_version") identity_.firmware_raw = words[0];
  if (row.name == "battery.rated_voltage") identity_.rated_voltage_raw = words[0];
  if (row.name == "inverter.serial") {
    auto v = protocol::decode(row, words, {});
    if (v) identity_.serial = std::get<std::string>(*v);
  }
}

Result<std::vector<std::uint16_t>> InverterLink::read_registers(std::uint16_t address,
                                                                std::uint16_t count) {
  if (!client_.is_open()) {
    ++stats_.opens;
    if (Status s = client_.open(); !s) return s.error();
  }
  return transact<std::vector<std::uint16_t>>(
      [&] { return client_.read_holding(address, count); }, protocol::kReadRequestBytes,
      protocol::read_response_bytes(count), nullptr, options_.retries);
}

Status InverterLink::write_registers(std::uint16_t address, std::span<const std::uint16_t> values) {
  if (!client_.is_open()) {
    ++stats_.opens;
    if (Status s = client_.open(); !s) return s;
  }
  // Writes are never repeated: a timed-out write may still have been applied, so the caller
  // reads back instead.
  Result<bool> r = transact<bool>(
      [&]() -> Result<bool> {
        Status s = values.size() == 1 ? client_.write_single(address, values[0])
                                      : client_.write_multiple(address, values);
        if (!s) return s.error();
        return true;
      },
      values.size() == 1 ? protocol::kWriteSingleBytes
                         : protocol::write_multiple_request_bytes(values.size()),
      values.size() == 1 ? protocol::kWriteSingleBytes : protocol::kWriteMultipleResponseBytes,
      nullptr, /*retries=*/0);
  if (!r) return r.error();
  return {};
}

}  // namespace sb::device
