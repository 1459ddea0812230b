// SPDX-License-Identifier: Apache-2.0
#include "sim/replay.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sunbridge/core/local_time.hpp"
#include "sunbridge/protocol/register_codec.hpp"
#include "sunbridge/protocol/register_map.hpp"

namespace sb::sim {

namespace {

std::vector<std::string> split_csv(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();  // recorded on Windows: CRLF
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ','))
    out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

std::optional<std::chrono::system_clock::time_point> parse_local(const std::string& text) {
  CivilTime c;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d %d:%d:%d%c", &c.year, &c.month, &c.day, &c.hour,
                  &c.minute, &c.second, &extra) != 6) {
    return std::nullopt;
  }
  return from_local_civil(c);
}

}  // namespace

Replay Replay::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("replay: cannot read " + path);
  const protocol::RegisterMap map = protocol::RegisterMap::embedded();
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error("replay: " + path + " is empty");
  const auto header = split_csv(line);
  if (header.size() < 2) throw std::runtime_error("replay: " + path + ": no value columns");
  Replay r;
  std::vector<const protocol::RegisterRow*> rows;  // per value column: a register, or none
  const HouseholdModel probe;
  for (std::size_t i = 1; i < header.size(); ++i) {
    const std::string& name = header[i];
    if (name.rfind("reg_0x", 0) == 0) {
      const auto address = static_cast<std::uint16_t>(std::strtoul(name.c_str() + 4, nullptr, 16));
      const protocol::RegisterRow* row = map.at_address(address);
      if (row == nullptr || row->length != 1 || !probe.has(row->name)) {
        throw std::runtime_error("replay: column " + name + ": no simulated value at that address");
      }
      r.points_.push_back(row->name);
      rows.push_back(row);
    } else if (probe.has(name)) {
      r.points_.push_back(name);
      rows.push_back(nullptr);
    } else {
      throw std::runtime_error("replay: column '" + name +
                               "' is neither a simulated value nor "
                               "reg_0xADDR");
    }
  }
  int line_no = 1;
  protocol::DecodeContext decode_ctx;
  decode_ctx.battery_voltage_factor = 4.0;  // a 48 V bank
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const auto cells = split_csv(line);
    auto ts = cells.empty() ? std::nullopt : parse_local(cells[0]);
    if (!ts || cells.size() > header.size()) {
      throw std::runtime_error("replay: " + path + " line " + std::to_string(line_no) +
                               ": expected a time and " + std::to_string(header.size() - 1) +
                               " values");
    }
    if (!r.rows_.empty() && *ts < r.rows_.back().ts) {
      throw std::runtime_error("replay: " + path + " line " + std::to_string(line_no) +
                               ": time goes backwards");
    }
    Row row{*ts, {}};
    for (std::size_t i = 1; i < header.size(); ++i) {
      const std::string cell = i < cells.size() ? cells[i] : "";
      if (cell.empty()) {
        row.values.emplace_back();
        continue;
      }
      char* end = nullptr;
      const double raw = std::strtod(cell.c_str(), &end);
      if (end == cell.c_str() || *end != '\0') {
        throw std::runtime_error("replay: " + path + " line " + std::to_string(line_no) + ": '" +
                                 cell + "' is not a number");
      }
      if (rows[i - 1] == nullptr) {
        row.values.emplace_back(raw);
        continue;
      }
      const std::uint16_t word = static_cast<std::uint16_t>(raw);
      auto v = protocol::decode(*rows[i - 1], std::span<const std::uint16_t>(&word, 1), decode_ctx);
      const double* number = v ? std::get_if<double>(&*v) : nullptr;
      if (number == nullptr) {
        throw std::runtime_error("replay: " + path + " line " + std::to_string(line_no) +
                                 ": cannot decode " + cell + " for " + header[i]);
      }
      row.values.emplace_back(*number);
    }
    r.rows_.push_back(std::move(row));
  }
  if (r.rows_.empty()) throw std::runtime_error("replay: " + path + " has no rows");
  return r;
}

std::size_t Replay::advance(HouseholdModel& model, TimePoint start, TimePoint now, double speed) {
  const auto elapsed = std::chrono::duration<double>(now - start).count() * speed;
  std::size_t applied = 0;
  while (next_ < rows_.size() &&
         std::chrono::duration<double>(rows_[next_].ts - rows_.front().ts).count() <= elapsed) {
    const Row& row = rows_[next_];
    for (std::size_t i = 0; i < points_.size(); ++i) {
      if (row.values[i]) model.set(points_[i], *row.values[i]);
    }
    ++next_;
    ++applied;
  }
  return applied;
}

std::optional<Replay::TimePoint> Replay::recorded_now() const {
  if (next_ == 0) return std::nullopt;
  return rows_[next_ - 1].ts;
}

}  // namespace sb::sim
