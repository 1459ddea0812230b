// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/slot_watch.hpp"

#include <algorithm>
#include <cstdio>

#include "sunbridge/core/text.hpp"
#include "sunbridge/domain/forecast.hpp"

namespace sb::domain::checks {

SlotWatch::SlotWatch(SlotWatchRule rule) : rule_(rule) {
  status_ = initial_status("charge.slots", "",
                           "a slot that delivers no charge on " + std::to_string(rule_.min_nights) +
                               " of the last " + std::to_string(rule_.keep_nights) + " nights",
                           "learning");
}

std::vector<Event> SlotWatch::update(const PointStore& points, WallTime now) {
  if (samples_.empty() || now - samples_.back().ts >= rule_.sample_every) {
    BatterySample s{now, points.fresh_number("battery.soc", now),
                    points.fresh_number("battery.voltage", now),
                    points.fresh_number("battery.current", now)};
    if (s.soc_pct || s.current_a) samples_.push_back(s);
  }
  while (!samples_.empty() && now - samples_.front().ts > std::chrono::hours(36))
    samples_.pop_front();

  const CivilTime c = to_local_civil(now);
  const std::string day = format_date(to_date(c));
  if (c.hour * 60 + c.minute < rule_.evaluate_min || evaluated_day_ == day) return {};
  // The windows as the inverter holds them now; without them (no settings poll yet) wait.
  auto hhmm = [&](const char* name) -> std::optional<int> {
    auto p = points.get(name, now);
    if (!p || p->quality != Quality::kOk) return std::nullopt;
    const auto* text = std::get_if<std::string>(&p->value);
    if (text == nullptr) return std::nullopt;
    auto m = parse_time_of_day(*text);
    return m ? std::optional<int>(static_cast<int>(m->count())) : std::nullopt;
  };
  auto s1 = hhmm("setting.p40"), e1 = hhmm("setting.p41");
  auto s2 = hhmm("setting.p42"), e2 = hhmm("setting.p43");
  if (!s1 || !e1 || !s2 || !e2) return {};
  evaluated_day_ = day;
  return evaluate({{"slot 1 (40-41)", *s1, *e1}, {"slot 2 (42-43)", *s2, *e2}}, now);
}

std::optional<bool> SlotWatch::slot1_delivers() const {
  int seen = 0;
  for (auto it = nights_.rbegin(); it != nights_.rend() && seen < rule_.min_nights; ++it) {
    if (it->slot.rfind("slot 1", 0) != 0) continue;
    if (it->delivered) return true;
    ++seen;
  }
  return seen >= rule_.min_nights ? std::optional<bool>(false) : std::nullopt;
}

std::vector<Event> SlotWatch::evaluate(const std::vector<SlotWindow>& windows, WallTime now) {
  const std::vector<BatterySample> samples(samples_.begin(), samples_.end());
  for (const SlotNight& n : slot_effectiveness(samples, windows)) {
    auto same = std::find_if(nights_.begin(), nights_.end(), [&](const SlotNight& k) {
      return k.night == n.night && k.slot == n.slot;
    });
    if (same != nights_.end()) {
      if (n.samples >= same->samples) *same = n;  // a fuller record of the same night wins
    } else {
      nights_.push_back(n);
    }
  }
  std::sort(nights_.begin(), nights_.end(), [](const SlotNight& a, const SlotNight& b) {
    return a.night != b.night ? a.night < b.night : a.slot < b.slot;
  });
  const std::size_t keep = static_cast<std::size_t>(rule_.keep_nights) * windows.size();
  if (nights_.size() > keep)
    nights_.erase(nights_.begin(), nights_.end() - static_cast<std::ptrdiff_t>(keep));

  std::vector<Event> out;
  std::vector<std::string> summary;
  bool any_warning = false;
  for (const SlotWindow& w : windows) {
    int measured = 0, delivered = 0;
    for (const auto& n : nights_) {
      if (n.slot != w.name) continue;
      ++measured;
      delivered += n.delivered ? 1 : 0;
    }
    if (measured == 0) continue;
    summary.push_back(w.name + ": charged on " + std::to_string(delivered) + " of " +
                      std::to_string(measured) + " nights");
    auto warning = slot_warning(nights_, w.name, rule_.min_nights, now);
    bool& open = warned_[w.name];
    if (warning && !open) out.push_back(*warning);
    if (!warning && open) {
      out.push_back({now,
                     "check.slot_ineffective.cleared",
                     Severity::kInfo,
                     w.name + " delivers charge again (" + summary.back() + ")",
                     {{"slot", w.name}}});
    }
    open = warning.has_value();
    any_warning |= open;
  }
  if (!summary.empty()) {
    status_.known = true;
    status_.state = join(summary, "; ");
    const Level level = any_warning ? Level::kWarning : Level::kOk;
    if (level != status_.level) status_.since = now;
    status_.level = level;
  }
  return out;
}

nlohmann::json SlotWatch::to_json() const {
  nlohmann::json nights = nlohmann::json::array();
  for (const auto& n : nights_) {
    nights.push_back({{"night", n.night},
                      {"slot", n.slot},
                      {"samples", n.samples},
                      {"soc_gain_pct", n.soc_gain_pct},
                      {"charge_ah", n.charge_ah},
                      {"charge_kwh", n.charge_kwh},
                      {"delivered", n.delivered}});
  }
  return {{"nights", nights}, {"evaluated_day", evaluated_day_}};
}

void SlotWatch::restore(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("nights") || !j["nights"].is_array()) return;
  nights_.clear();
  for (const auto& n : j["nights"]) {
    try {
      nights_.push_back({n.at("night").get<std::string>(), n.at("slot").get<std::string>(),
                         n.at("samples").get<int>(), n.at("soc_gain_pct").get<double>(),
                         n.at("charge_ah").get<double>(), n.at("charge_kwh").get<double>(),
                         n.at("delivered").get<bool>()});
    } catch (const nlohmann::json::exception&) {
      // a record this build cannot read is dropped; the others are kept
    }
  }
  if (j.contains("evaluated_day") && j["evaluated_day"].is_string())
    evaluated_day_ = j["evaluated_day"].get<std::string>();
}

}  // namespace sb::domain::checks
