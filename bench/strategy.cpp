// SPDX-License-Identifier: Apache-2.0
#include "bench/strategy.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/grid_daily_csv.hpp"
#include "sunbridge/app/settings_controller.hpp"
#include "sunbridge/app/tariff_service.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/profile.hpp"
#include "sunbridge/domain/strategy/auto_strategy.hpp"
#include "sunbridge/domain/strategy/calendar.hpp"
#include "sunbridge/domain/strategy/calibration.hpp"
#include "sunbridge/domain/strategy/control_settings.hpp"
#include "sunbridge/domain/strategy/optimum.hpp"
#include "sunbridge/domain/strategy/profile_strategy.hpp"
#include "sunbridge/domain/strategy/unconstrained_bound.hpp"
#include "sunbridge/domain/strategy/year_simulation.hpp"
#include "sunbridge/domain/tariff.hpp"

namespace sb::bench {

namespace {

using domain::strategy::ControlSettings;
using domain::strategy::YearResult;

struct Row {
  std::string name;
  std::vector<YearResult> years;  // one per seed
  double seconds = 0;             // simulation time, all seeds
};

const Row* find_row(const std::vector<Row>& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

double mean(const std::vector<YearResult>& ys, double (*f)(const YearResult&)) {
  double s = 0;
  for (const auto& y : ys)
    s += f(y);
  return ys.empty() ? 0 : s / static_cast<double>(ys.size());
}

// The owner's system started on this day (the field data's notes).
constexpr domain::Date kSystemStart{std::chrono::year{2024}, std::chrono::month{8},
                                    std::chrono::day{25}};

// Fits the house's monthly use on the meter readings from before the system, then checks the
// whole model on the months after it: Type B, slot 1 as the field data shows it (nothing).
// Returns false when the readings cannot be read.
bool calibrate(const StrategyOptions& o, const domain::Tariff& tariff,
               const domain::ProfileLibrary& library, domain::strategy::YearSetup& setup,
               nlohmann::json& out) {
  std::ifstream file(o.meter_csv);
  if (!file) {
    std::cerr << "cannot read " << o.meter_csv << "\n";
    return false;
  }
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string text = buffer.str();
  schema::Issues issues;
  const auto days = adapters::parse_grid_daily_csv(text, issues);
  if (!days) {
    std::cerr << schema::format_issues(issues, o.meter_csv);
    return false;
  }
  const auto use = domain::strategy::use_per_day_before(*days, kSystemStart);
  for (std::size_t m = 0; m < 12; ++m) {
    if (use[m]) setup.household.kwh_per_day[m] = *use[m];
  }
  const auto metered = domain::strategy::months_with_system(*days, kSystemStart);
  domain::strategy::YearSetup metered_setup = setup;
  metered_setup.seed = o.first_seed;
  const auto simulated = domain::strategy::simulate_metered_system(
      metered_setup, tariff, *library.find("type-b"), library, o.seeds);
  std::printf("Calibration on the owner's meter (%zu days): use per day before the system, kWh\n",
              days->size());
  for (std::size_t m = 0; m < 12; ++m)
    std::printf(" %5.1f", setup.household.kwh_per_day[m]);
  const auto check = domain::strategy::check_against_meter(metered, simulated);
  std::printf(
      "\nmonth      metered kWh  simulated  error   (6 panels, Type B, slot 1 as metered)\n");
  nlohmann::json months = nlohmann::json::array();
  for (const auto& m : check.months) {
    std::printf("%04d-%02d %13.0f %10.0f %+6.1f %%\n", m.metered.year, m.metered.month,
                m.metered.kwh, m.simulated_kwh, m.error_pct());
    months.push_back({{"month", domain::month_key(m.metered.year, m.metered.month)},
                      {"metered_kwh", m.metered.kwh},
                      {"simulated_kwh", m.simulated_kwh}});
  }
  const double mape = check.mape_pct;
  std::printf("mean absolute percentage error %.1f %% (target 10 %%)\n", mape);
  out["calibration"] = {
      {"use_kwh_per_day", setup.household.kwh_per_day}, {"months", months}, {"mape_pct", mape}};
  return true;
}

}  // namespace

int run_strategy(const StrategyOptions& o) {
  if (auto tz = set_process_timezone("Asia/Tokyo"); !tz) {
    std::cerr << "cannot set the site time zone\n";
    return 1;
  }
  // The daemon's own loaders: the shipped tariffs, profiles and baseline, checked as it checks
  // them.
  std::map<std::string, domain::Tariff> tariffs;
  domain::ProfileLibrary library;
  domain::Baseline baseline;
  try {
    tariffs = app::load_tariffs("");
    library = app::load_profile_library("");
    baseline = app::load_baseline("");
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  const domain::Tariff& tariff = tariffs.at(o.tariff);

  domain::strategy::YearSetup setup;
  setup.site.panels = o.panels;
  nlohmann::json out;
  if (!calibrate(o, tariff, library, setup, out)) return 1;
  const auto controls = domain::strategy::allowed_controls(
      domain::strategy::ControlRanges{}, baseline.values, domain::InterlockLimits{});
  const auto auto_candidates = domain::strategy::auto_candidates(
      {}, domain::strategy::ControlRanges{}, baseline.values, domain::InterlockLimits{});
  std::vector<bool> slot1_modes;
  if (o.slot1 != "none") slot1_modes.push_back(true);
  if (o.slot1 != "charges") slot1_modes.push_back(false);

  out["tariff"] = tariff.name();
  out["panels"] = o.panels;
  out["seeds"] = {o.first_seed, o.first_seed + static_cast<std::uint64_t>(o.seeds) - 1};
  for (const bool slot1 : slot1_modes) {
    domain::strategy::InverterModel model;
    model.slot1_charges = slot1;
    std::vector<Row> rows;
    auto add = [&](const std::string& name, auto&& run) {
      Row* row = nullptr;
      for (auto& r : rows)
        if (r.name == name) row = &r;
      if (row == nullptr) row = &rows.emplace_back(Row{name, {}, 0});
      const auto t0 = std::chrono::steady_clock::now();
      row->years.push_back(run());
      row->seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    for (int k = 0; k < o.seeds; ++k) {
      setup.seed = o.first_seed + static_cast<std::uint64_t>(k);
      const auto in = domain::strategy::build_year_inputs(setup, tariff);
      add("no battery", [&] { return domain::strategy::simulate_without_battery(in, model); });
      auto fixed = [&](const char* name, ControlSettings c) {
        add(name, [&] {
          domain::strategy::FixedStrategy s(name, c);
          return domain::strategy::simulate_year(in, model, s);
        });
      };
      fixed("old settings", ControlSettings{60, 60, 180, 60});
      fixed("baseline only", ControlSettings{50, 45, 180, 45});
      auto profile = [&](const char* name, const char* file, bool forecast) {
        add(name, [&] {
          domain::strategy::ProfileStrategy s(name, *library.find(file), library, {}, forecast);
          return domain::strategy::simulate_year(in, model, s);
        });
      };
      profile("Type B", "type-b", false);
      profile("Type A", "type-a", true);
      profile("Type A monthly", "type-a-monthly", true);
      profile("nine-panel", "panels-9", false);
      add("automatic", [&] {
        domain::strategy::AutoPolicy policy;
        policy.min_saving_yen_per_write = o.min_saving_yen_per_write;
        domain::strategy::AutoStrategy s({setup.site, setup.climate, setup.household}, tariff,
                                         auto_candidates, model, policy);
        return domain::strategy::simulate_year(in, model, s);
      });
      if (o.optimum) {
        add("optimum", [&] {
          domain::strategy::OptimumOptions opt{controls, o.soc_step_pct, o.threads};
          auto plan = domain::strategy::perfect_foresight(in, model, opt);
          domain::strategy::PlanStrategy s("optimum", std::move(plan.plan));
          return domain::strategy::simulate_year(in, model, s);
        });
      }
      add("unconstrained bound", [&] {
        // Not a strategy of this inverter: only its cost and grid energy are meaningful.
        const auto b = domain::strategy::unconstrained_bound(in, model);
        YearResult r;
        r.strategy = "unconstrained bound";
        r.energy_yen = b.energy_yen;
        r.basic_yen = in.basic_yen_per_month * 12.0;
        r.grid_kwh = b.grid_kwh;
        return r;
      });
    }
    const double none_cost =
        mean(rows.front().years, [](const YearResult& y) { return y.cost_yen(); });
    std::printf("\nslot 1 %s; %d panel(s); tariff %s; seeds %llu..%llu (means)\n",
                slot1 ? "charges" : "delivers nothing (as in the field data)", o.panels,
                tariff.name().c_str(), static_cast<unsigned long long>(o.first_seed),
                static_cast<unsigned long long>(o.first_seed + o.seeds - 1));
    const Row* optimum = find_row(rows, "optimum");
    const Row& none = rows.front();
    // The share of the perfect-foresight saving (over no battery) a strategy captures in each
    // year, averaged over the years.
    auto captured = [&](const Row& r) {
      double sum = 0, worst = 1e9;
      for (std::size_t k = 0; k < r.years.size(); ++k) {
        const double best = none.years[k].cost_yen() - optimum->years[k].cost_yen();
        const double share =
            best > 0 ? (none.years[k].cost_yen() - r.years[k].cost_yen()) / best : 0;
        sum += share;
        worst = std::min(worst, share);
      }
      return std::pair{sum / static_cast<double>(r.years.size()), worst};
    };
    std::printf("%-16s %10s %9s %9s %7s %7s %7s %8s %9s %8s\n", "strategy", "yen/year", "saving",
                "grid kWh", "self %", "cycles", "writes", "changes", "captured", "s/year");
    nlohmann::json table = nlohmann::json::array();
    for (const auto& r : rows) {
      const double cost = mean(r.years, [](const YearResult& y) { return y.cost_yen(); });
      const double grid = mean(r.years, [](const YearResult& y) { return y.grid_kwh; });
      const double self = mean(r.years, [](const YearResult& y) { return y.self_consumption(); });
      const double cycles = mean(r.years, [](const YearResult& y) { return y.battery_cycles; });
      const double writes =
          mean(r.years, [](const YearResult& y) { return static_cast<double>(y.writes); });
      const double changes =
          mean(r.years, [](const YearResult& y) { return static_cast<double>(y.change_days); });
      const double per_year = r.seconds / static_cast<double>(r.years.size());
      char share[16] = "-";
      nlohmann::json share_json;
      if (optimum != nullptr) {
        const auto [average, worst] = captured(r);
        std::snprintf(share, sizeof share, "%.1f %%", average * 100);
        share_json = {{"mean", average}, {"worst_year", worst}};
      }
      if (r.name == "unconstrained bound") {
        std::printf("%-16s %10.0f %9.0f %9.0f %7s %7s %7s %8s %9s %8.3f\n", "bound, hourly", cost,
                    none_cost - cost, grid, "-", "-", "-", "-", share, per_year);
      } else {
        std::printf("%-16s %10.0f %9.0f %9.0f %7.1f %7.1f %7.1f %8.1f %9s %8.3f\n", r.name.c_str(),
                    cost, none_cost - cost, grid, self * 100, cycles, writes, changes, share,
                    per_year);
      }
      table.push_back({{"strategy", r.name},
                       {"yen_per_year", cost},
                       {"grid_kwh", grid},
                       {"self_consumption", self},
                       {"battery_cycles", cycles},
                       {"writes_per_year", writes},
                       {"changes_per_year", changes},
                       {"seconds_per_year", per_year},
                       {"captured", share_json}});
    }
    // The automatic mode's targets, year by year.
    const Row* automatic = find_row(rows, "automatic");
    const Row* type_a = find_row(rows, "Type A");
    const Row* type_b = find_row(rows, "Type B");
    int below_a = 0, below_b = 0;
    for (std::size_t k = 0; k < automatic->years.size(); ++k) {
      below_a += automatic->years[k].cost_yen() < type_a->years[k].cost_yen() ? 1 : 0;
      below_b += automatic->years[k].cost_yen() < type_b->years[k].cost_yen() ? 1 : 0;
    }
    std::printf("automatic costs less than Type B in %d of %zu years, than Type A in %d", below_b,
                automatic->years.size(), below_a);
    if (optimum != nullptr) {
      const auto [average, worst] = captured(*automatic);
      std::printf("; captures %.1f %% of the optimum's saving on average (worst year %.1f %%)",
                  average * 100, worst * 100);
    }
    std::printf("\n");
    out[slot1 ? "automatic_slot1_charges" : "automatic_slot1_none"] = {
        {"years", automatic->years.size()},
        {"cheaper_than_type_b", below_b},
        {"cheaper_than_type_a", below_a}};
    out[slot1 ? "slot1_charges" : "slot1_none"] = table;
  }
  if (o.json) std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace sb::bench
