// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/optimum.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "sunbridge/domain/strategy/control_settings.hpp"
#include "sunbridge/domain/strategy/soc_values.hpp"

namespace sb::domain::strategy {

namespace {

// Decision j acts on the steps [begin(j), begin(j + 1)): j = 0 from the first step, j >= 1
// from 22:00 on the day before day j (as simulate_year decides); the last one to the end.
std::size_t segment_begin(const YearInputs& in, int j) {
  if (j == 0) return 0;
  if (j >= in.days()) return in.pv_kw.size();
  const auto step = static_cast<std::size_t>(kDecisionMinute / in.step_min);
  return static_cast<std::size_t>(j - 1) * static_cast<std::size_t>(in.steps_per_day) + step;
}

struct Best {
  double cost = std::numeric_limits<double>::infinity();
  std::size_t control = 0;
};

Best best_control(const YearInputs& in, const InverterModel& model, const OptimumOptions& o,
                  const SocValues& next, const BatteryState& start, std::size_t from,
                  std::size_t to, bool last) {
  Best best;
  for (std::size_t u = 0; u < o.controls.size(); ++u) {
    BatteryState s = start;
    double cost = segment_cost_yen(in, model, o.controls[u], s, from, to);
    if (!last) cost += next.at(s);
    if (cost < best.cost - 1e-12) best = {cost, u};
  }
  return best;
}

}  // namespace

std::vector<ControlSettings> allowed_controls(const ControlRanges& r, const SettingValues& baseline,
                                              const InterlockLimits& limits) {
  std::vector<ControlSettings> out;
  for (double a : r.charge_a)
    for (int t : r.absorption_min)
      for (int e : r.slot1_end_min)
        for (double soc : r.back_to_battery_soc) {
          const ControlSettings c{a, t, e, soc};
          SettingValues after = baseline;
          for (auto& [id, v] : to_setting_values(c))
            after[id] = v;
          if (check_interlocks(after, limits, profile_parameters()).empty()) out.push_back(c);
        }
  return out;
}

double segment_cost_yen(const YearInputs& in, const InverterModel& model, const ControlSettings& c,
                        BatteryState& state, std::size_t from, std::size_t to) {
  const StepSeries series{in.pv_kw.data(), in.load_kw.data(), in.price_yen_per_kwh.data(),
                          in.step_min, 0};
  return run_cost_yen(model, c, state, series, from, to);
}

OptimumPlan perfect_foresight(const YearInputs& in, const InverterModel& model,
                              const OptimumOptions& o, BatteryState initial) {
  OptimumPlan out;
  if (o.controls.empty()) return out;
  const int days = in.days();
  // value[j]: the cheapest energy cost from decision j on, by state.
  std::vector<SocValues> value(static_cast<std::size_t>(days) + 1, SocValues(o.soc_step_pct));
  const std::size_t states = value.front().size();
  const int threads = std::max(1, o.threads);
  for (int j = days - 1; j >= 1; --j) {
    const std::size_t from = segment_begin(in, j);
    const std::size_t to = segment_begin(in, j + 1);
    const bool last = j == days - 1;
    auto& here = value[static_cast<std::size_t>(j)];
    const auto& next = value[static_cast<std::size_t>(j) + 1];
    auto work = [&](int first) {
      for (std::size_t k = static_cast<std::size_t>(first); k < states;
           k += static_cast<std::size_t>(threads)) {
        here[k] = best_control(in, model, o, next, here.state(k), from, to, last).cost;
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
      pool.emplace_back(work, t);
    work(0);
    for (auto& t : pool)
      t.join();
  }
  // Forward: from the actual state each evening, the best control against the values.
  BatteryState s = initial;
  for (int j = 0; j < days; ++j) {
    const std::size_t from = segment_begin(in, j);
    const std::size_t to = segment_begin(in, j + 1);
    const Best b = best_control(in, model, o, value[static_cast<std::size_t>(j) + 1], s, from, to,
                                j == days - 1);
    if (j == 0) out.expected_energy_yen = b.cost;
    out.plan.push_back(o.controls[b.control]);
    segment_cost_yen(in, model, o.controls[b.control], s, from, to);
  }
  return out;
}

YearInputs first_days(const YearInputs& in, int days) {
  YearInputs out = in;
  const auto steps = static_cast<std::size_t>(std::clamp(days, 0, in.days())) *
                     static_cast<std::size_t>(in.steps_per_day);
  out.pv_kw.resize(steps);
  out.load_kw.resize(steps);
  out.price_yen_per_kwh.resize(steps);
  out.band.resize(steps);
  return out;
}

}  // namespace sb::domain::strategy
