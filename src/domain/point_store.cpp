// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/point_store.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace sb::domain {

namespace {

std::optional<double> number_if_ok(const PointValue& value, Quality quality) {
  const double* v = std::get_if<double>(&value);
  if (v == nullptr || quality != Quality::kOk) return std::nullopt;
  return *v;
}

const DerivedPoint* find_derived(const std::vector<DerivedPoint>& derived,
                                 const std::string& name) {
  for (const auto& d : derived) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

}  // namespace

PointStore::PointStore(std::vector<DerivedPoint> derived) : derived_(std::move(derived)) {}

void PointStore::apply(const PointUpdate& update) {
  Entry* previous = nullptr;
  const bool keyed = update.keyed();
  for (std::size_t i = 0; i < update.fresh.size(); ++i) {
    const Point& p = update.fresh[i];
    const void* key = keyed ? update.fresh_keys[i] : nullptr;
    Entry* e = previous != nullptr ? previous->next_in_update : nullptr;
    // The same key names the same point and unit: neither is compared (on a poll, those
    // compares touched two more strings per value after every read).
    const bool same_key = e != nullptr && key != nullptr && e->key == key;
    assert(!same_key || (e->point.name == p.name && e->point.unit == p.unit));
    if (!same_key && (e == nullptr || e->point.name != p.name)) {
      auto it = entries_.find(p.name);
      if (it == entries_.end()) it = entries_.emplace(p.name, Entry{p, update.max_age}).first;
      e = &it->second;
      if (previous != nullptr) previous->next_in_update = e;
    }
    if (!same_key) e->key = key;
    previous = e;
    // In place: the name stays, the unit and note keep their buffers (a poll updates the same
    // points every time; copying whole points showed in the poll's profile).
    Point& stored = e->point;
    assign_value(stored.value, p.value);
    if (!same_key && stored.unit != p.unit) stored.unit = p.unit;
    stored.quality = p.quality;
    stored.ts = p.ts;
    if (!stored.note.empty() || !p.note.empty()) stored.note = p.note;
    stored.decimals = p.decimals;
    e->max_age = update.max_age;
  }
  for (const PointIssue& issue : update.stale) {
    Entry& e = entries_[issue.name];
    if (e.point.name.empty()) e.point.name = issue.name;
    if (e.point.unit.empty()) e.point.unit = issue.unit;
    // Keep the last good value and its timestamp: it is shown as "last", never as current.
    e.point.quality = has_value(e.point.value) ? Quality::kStale : Quality::kInvalid;
    e.point.note = issue.reason;
  }
  for (const PointIssue& issue : update.invalid) {
    Entry& e = entries_[issue.name];
    e.point.name = issue.name;
    e.point.unit = issue.unit;
    e.point.value = std::monostate{};
    e.point.quality = Quality::kInvalid;
    e.point.note = issue.reason;
  }
}

void PointStore::set(Point point, std::chrono::milliseconds max_age) {
  std::string name = point.name;
  entries_[name] = Entry{std::move(point), max_age};
}

Quality PointStore::quality_at(const Entry& e, WallTime now) {
  const Point& p = e.point;
  if (p.quality == Quality::kOk && e.max_age.count() > 0 && now - p.ts > e.max_age) {
    return Quality::kStale;
  }
  return p.quality;
}

Point PointStore::aged(const Entry& e, WallTime now) const {
  Point p = e.point;
  if (p.quality != quality_at(e, now)) {
    p.quality = Quality::kStale;
    auto age = std::chrono::duration_cast<std::chrono::seconds>(now - p.ts).count();
    p.note = "not refreshed for " + std::to_string(age) + " s";
  }
  return p;
}

std::optional<Point> PointStore::compute(const DerivedPoint& d, WallTime now) const {
  Point out;
  out.name = d.name;
  out.unit = d.unit;
  out.quality = Quality::kOk;
  out.decimals = d.decimals;
  double acc = d.op == DerivedOp::kSum ? 0.0 : 1.0;
  bool first = true;
  for (const auto& input : d.inputs) {
    auto it = entries_.find(input);
    if (it == entries_.end()) return std::nullopt;
    // Read in place: checks read derived points every round, and a copy of each input is three
    // strings.
    const Point& p = it->second.point;
    const Quality quality = quality_at(it->second, now);
    const double* v = std::get_if<double>(&p.value);
    if (v == nullptr || quality == Quality::kInvalid) {
      out.quality = Quality::kInvalid;
      out.value = std::monostate{};
      out.note = input + " unavailable";
      return out;
    }
    acc = d.op == DerivedOp::kSum ? acc + *v : acc * *v;
    if (d.decimals < 0 && d.op == DerivedOp::kSum)
      out.decimals = std::max(out.decimals, p.decimals);
    // The derived value is as old as its oldest input and as good as its worst.
    out.ts = first ? p.ts : std::min(out.ts, p.ts);
    first = false;
    if (quality == Quality::kStale) {
      out.quality = Quality::kStale;
      out.note = input + " stale";
    }
  }
  if (d.fallback && out.quality == Quality::kOk && acc == 0.0) {
    if (auto estimate = estimate_of(*d.fallback, now)) {
      out.value = std::round(*estimate * 1000.0) / 1000.0 + 0.0;
      out.note = d.fallback->note;
      return out;
    }
  }
  out.value = std::round(acc * 1000.0) / 1000.0 + 0.0;
  return out;
}

std::optional<double> PointStore::fresh_number(const std::string& name, WallTime now) const {
  // A stored point is read in place (the checks ask for numbers every round; get() copies the
  // whole point, three strings); a derived one is computed as get() computes it, the name looked
  // up once.
  if (auto it = entries_.find(name); it != entries_.end()) {
    return number_if_ok(it->second.point.value, quality_at(it->second, now));
  }
  const DerivedPoint* d = find_derived(derived_, name);
  auto p = d != nullptr ? compute(*d, now) : std::nullopt;
  return p ? number_if_ok(p->value, p->quality) : std::nullopt;
}

std::optional<double> PointStore::estimate_of(const DerivedFallback& f, WallTime now) const {
  // Only when every input read exactly 0 (checked by the caller) and something really flows:
  // with no grid current, 0 W is the truth, not a firmware gap.
  bool flowing = false;
  for (const auto& name : f.flowing) {
    auto v = fresh_number(name, now);
    flowing = flowing || (v && std::fabs(*v) > f.min_flowing);
  }
  if (!flowing) return std::nullopt;
  double sum = 0.0;
  for (const auto& name : f.plus) {
    auto v = fresh_number(name, now);
    if (!v) return std::nullopt;
    sum += *v;
  }
  for (const auto& name : f.minus) {
    auto v = fresh_number(name, now);
    if (!v) return std::nullopt;
    sum -= *v;
  }
  return sum;
}

std::vector<Point> PointStore::snapshot(WallTime now) const {
  std::vector<Point> out;
  out.reserve(entries_.size() + derived_.size());
  for (const auto& [_, e] : entries_)
    out.push_back(aged(e, now));
  for (const auto& d : derived_) {
    if (auto p = compute(d, now)) out.push_back(std::move(*p));
  }
  std::sort(out.begin(), out.end(), [](const Point& a, const Point& b) { return a.name < b.name; });
  return out;
}

std::optional<Point> PointStore::get(const std::string& name, WallTime now) const {
  auto it = entries_.find(name);
  if (it != entries_.end()) return aged(it->second, now);
  const DerivedPoint* d = find_derived(derived_, name);
  return d != nullptr ? compute(*d, now) : std::nullopt;
}

}  // namespace sb::domain
