// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/energy_accounts.hpp"

#include <cstdio>
#include <utility>

#include "sunbridge/adapters/energy_store.hpp"
#include "sunbridge/adapters/settings_store.hpp"

namespace sb::app {

using nlohmann::json;

namespace {

constexpr const char* kComponent = "energy";
constexpr const char* kLifetimeKey = "energy.lifetime";
// The household's use on whole measured days, for automatic mode's load forecast.
constexpr const char* kMeasuredDaysKey = "energy.measured_days";
constexpr std::size_t kMeasuredDaysKept = 28;

// points.md names of the lifetime counters and the member each one shows.
struct Counter {
  const char* point;
  double domain::EnergyFlows::*member;
};
constexpr Counter kCounters[] = {
    {"energy.pv.lifetime", &domain::EnergyFlows::pv_kwh},
    {"energy.load.lifetime", &domain::EnergyFlows::load_kwh},
    {"energy.grid.import.lifetime", &domain::EnergyFlows::grid_import_kwh},
    {"energy.grid.export.lifetime", &domain::EnergyFlows::grid_export_kwh},
    {"energy.battery.charge.lifetime", &domain::EnergyFlows::battery_charge_kwh},
    {"energy.battery.discharge.lifetime", &domain::EnergyFlows::battery_discharge_kwh},
};

}  // namespace

json flows_to_json(const domain::EnergyFlows& f) {
  json j = json::object();
  for (const auto& c : kCounters)
    j[c.point] = f.*(c.member);
  return j;
}

std::optional<domain::EnergyFlows> flows_from_json(const json& j) {
  if (!j.is_object()) return std::nullopt;
  domain::EnergyFlows f;
  for (const auto& c : kCounters) {
    auto it = j.find(c.point);
    if (it == j.end() || !it->is_number() || it->get<double>() < 0) return std::nullopt;
    f.*(c.member) = it->get<double>();
  }
  return f;
}

EnergyAccounts::EnergyAccounts(adapters::SqliteDb& db, const TariffService& tariff,
                               domain::PointStore& points, Logger& log,
                               std::chrono::milliseconds max_gap, WallTime now,
                               std::function<void(const Event&)> record_event)
    : db_(db),
      tariff_(tariff),
      points_(points),
      log_(log),
      meter_(max_gap),
      max_gap_(max_gap),
      record_event_(std::move(record_event)) {
  auto stored = adapters::SettingsStore(db_).get(kLifetimeKey);
  if (!stored) {
    unknown_reason_ = "the saved counters cannot be read: " + stored.error().describe();
  } else if (!*stored) {
    saved_ = domain::EnergyFlows{};  // the first start: nothing counted yet is the truth
  } else if (auto f = flows_from_json(**stored)) {
    saved_ = *f;
  } else {
    unknown_reason_ = "the saved counters are damaged: " + (*stored)->dump();
  }
  if (!saved_) {
    log_.error(kComponent, unknown_reason_ +
                               "; the lifetime counters stay unavailable rather "
                               "than start again from 0");
  }
  publish(now);
}

void EnergyAccounts::on_poll(WallTime read_at, bool clock_trusted) {
  domain::PowerSample s;
  s.ts = read_at;
  s.pv_w = points_.fresh_number("pv.power", read_at);
  s.load_w = points_.fresh_number("load.power", read_at);
  s.grid_w = points_.fresh_number("grid.power", read_at);
  s.battery_w = points_.fresh_number("battery.power", read_at);
  const domain::EnergyFlows added = meter_.add(s);
  const std::optional<WallTime> start = std::exchange(last_read_, read_at);
  if (clock_trusted) {
    const CivilTime now_local = to_local_civil(read_at);
    const domain::Date today = domain::to_date(now_local);
    if (day_ != today) {
      // A gap up to this first reading of the new day left the end of the old one uncounted.
      if (start && read_at - *start > max_gap_) day_complete_ = false;
      close_day(read_at);
      day_ = today;
      day_flows_ = {};
      inverter_pv_today_.reset();
      inverter_load_today_.reset();
      // Complete only when this day's counting starts at midnight (within one allowed gap).
      const auto since_midnight = std::chrono::hours(now_local.hour) +
                                  std::chrono::minutes(now_local.minute) +
                                  std::chrono::seconds(now_local.second);
      day_complete_ = since_midnight <= max_gap_;
    }
    const bool gap = (start && read_at - *start > max_gap_) || !s.pv_w || !s.load_w;
    if (gap) day_complete_ = false;
    day_flows_ += added;
    // The inverter's own counters, read before its midnight reset: its last readings of the day.
    if (auto v = points_.fresh_number("energy.pv.today", read_at)) inverter_pv_today_ = *v;
    if (auto v = points_.fresh_number("energy.load.today", read_at)) inverter_load_today_ = *v;
  }
  if (added.empty() || !start) return;
  pending_ += added;
  if (!clock_trusted) return;
  // Booked at the interval's start: [22:59:50, 23:00:00) is still the day band.
  const CivilTime local = to_local_civil(*start);
  pending_days_[{domain::format_date(domain::to_date(local)), tariff_.band_at(local).name}] +=
      added;
}

void EnergyAccounts::close_day(WallTime now) {
  if (day_ && day_complete_) record_measured_day(*day_, day_flows_.load_kwh, now);
  if (!day_ || !day_complete_ || !inverter_pv_today_ || !inverter_load_today_ || !record_event_) {
    return;
  }
  for (const auto& m :
       domain::compare_with_inverter(day_flows_, *inverter_pv_today_, *inverter_load_today_)) {
    char text[256];
    std::snprintf(text, sizeof text,
                  "%s energy on %s: the gateway counted %.2f kWh, the inverter %.2f kWh; check the "
                  "power readings (a meter error, or the inverter's own counter)",
                  m.flow.c_str(), domain::format_date(*day_).c_str(), m.ours_kwh, m.inverter_kwh);
    record_event_(Event{now,
                        "energy.mismatch",
                        Severity::kWarning,
                        text,
                        {{"day", domain::format_date(*day_)}, {"flow", m.flow}}});
  }
}

void EnergyAccounts::record_measured_day(domain::Date day, double load_kwh, WallTime now) {
  adapters::SettingsStore store(db_);
  std::vector<domain::strategy::MeasuredDay> days = read_measured_days(db_);
  days.push_back({day, load_kwh});
  if (days.size() > kMeasuredDaysKept) {
    days.erase(days.begin(), days.end() - static_cast<std::ptrdiff_t>(kMeasuredDaysKept));
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& d : days)
    rows.push_back({{"day", domain::format_date(d.day)}, {"load_kwh", d.load_kwh}});
  if (Status s = store.put(kMeasuredDaysKey, rows, now); !s) {
    log_.warn(kComponent, "cannot keep the day's measured use: " + s.error().describe());
  }
}

std::vector<domain::strategy::MeasuredDay> read_measured_days(adapters::SqliteDb& db) {
  std::vector<domain::strategy::MeasuredDay> out;
  auto stored = adapters::SettingsStore(db).get(kMeasuredDaysKey);
  if (!stored || !*stored || !(**stored).is_array()) return out;
  for (const auto& row : **stored) {
    if (!row.is_object() || !row.contains("day") || !row["day"].is_string() ||
        !row.contains("load_kwh") || !row["load_kwh"].is_number()) {
      continue;
    }
    if (auto day = domain::parse_date(row["day"].get<std::string>())) {
      out.push_back({*day, row["load_kwh"].get<double>()});
    }
  }
  return out;
}

void EnergyAccounts::save(WallTime now) {
  if (!pending_days_.empty()) {
    if (Status s = adapters::EnergyStore(db_).add(pending_days_); !s) {
      log_.warn(kComponent,
                "cannot book energy by day (kept for the next attempt): " + s.error().describe());
    } else {
      pending_days_.clear();
    }
  }
  if (!saved_ || pending_.empty()) return;
  domain::EnergyFlows total = *saved_;
  total += pending_;
  if (Status s = adapters::SettingsStore(db_).put(kLifetimeKey, flows_to_json(total), now); !s) {
    log_.warn(kComponent, "cannot save the lifetime counters (kept for the next attempt): " +
                              s.error().describe());
    return;
  }
  saved_ = total;
  pending_ = {};
  publish(now);
}

void EnergyAccounts::publish(WallTime now) {
  for (const auto& c : kCounters) {
    if (saved_) {
      points_.set(Point{c.point, *saved_.*(c.member), "kWh", Quality::kOk, now, "", 3});
    } else {
      points_.set(Point{c.point, {}, "kWh", Quality::kInvalid, {}, unknown_reason_, 3});
    }
  }
}

}  // namespace sb::app
