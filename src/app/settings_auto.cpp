// SPDX-License-Identifier: Apache-2.0
// Automatic mode in the settings controller (profiles.mode = auto, docs/strategy.md
// "Automatic mode"): each evening at decide_at, the chooser picks the coming night's 07 / 10 /
// 41 / 62 from the forecast, the battery's charge and the tariff; the choice stands until the
// next evening and goes through the same checked, budgeted, read-back, audited writer (cause
// "auto"). Overrides still win. The choice is kept in the settings store, so a restart does not
// choose again before its evening.
#include <chrono>

#include "sunbridge/adapters/profile_json.hpp"
#include "sunbridge/app/energy_accounts.hpp"
#include "sunbridge/app/settings_controller.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/strategy/auto_chooser.hpp"
#include "sunbridge/domain/strategy/control_settings.hpp"

namespace sb::app {

using nlohmann::json;
namespace strategy = domain::strategy;

namespace {

constexpr const char* kAutoComponent = "settings";
constexpr const char* kAutoKey = "profiles.auto_choice";

strategy::DayWeather day_weather(domain::DayKind k) {
  switch (k) {
    case domain::DayKind::kSunny:
      return strategy::DayWeather::kSunny;
    case domain::DayKind::kRainy:
    case domain::DayKind::kSnowy:
      return strategy::DayWeather::kRainy;
    default:
      return strategy::DayWeather::kNormal;
  }
}

}  // namespace

bool SettingsController::auto_mode() const {
  return (desired_ && desired_->mode ? *desired_->mode : ctx_.config.profiles.mode) == "auto";
}

void SettingsController::overlay_auto(domain::Selection& sel) const {
  if (!auto_mode() || sel.hold || sel.source == "override") return;
  sel.profile = "auto";
  sel.weather_rows = false;
  sel.source = "auto";
  if (!auto_choice_.is_object()) {
    // Nothing is written on a guess: the inverter keeps its values until the first choice.
    sel.hold = true;
    sel.reason =
        "automatic mode: no choice yet (it needs a trusted clock, the inverter's settings and the "
        "battery's charge)";
    return;
  }
  sel.values = adapters::settings_from_json(auto_choice_["values"]);
  sel.reason = auto_choice_.value("reason", "");
}

void SettingsController::decide_auto(WallTime now) {
  if (!auto_mode() || !ctx_.time.trusted() || forecast_pending_) return;
  const auto& cfg = ctx_.config.profiles.auto_mode;
  const CivilTime local = to_local_civil(now);
  const domain::Date served = domain::served_day(local);
  const auto minute = std::chrono::minutes(local.hour * 60 + local.minute);
  std::optional<domain::Date> stored;
  if (auto_choice_.is_object()) stored = domain::parse_date(auto_choice_.value("served", ""));
  // A new choice each evening at decide_at for the next day; at once when there is none, or
  // only one older than yesterday's (the gateway was off for days).
  const bool evening = minute >= cfg.decide_at || local.hour < 7;
  const bool stale = stored && std::chrono::sys_days{served} - std::chrono::sys_days{*stored} >
                                   std::chrono::days{1};
  // A choice made without a forecast is made again for the same night once one is current (the
  // fetch failed at start and succeeded later).
  const bool forecast_now = forecast_ && rules().forecast_current(forecast_->fetched_at, now);
  const bool without_forecast = stored && !auto_choice_.value("forecast", true);
  const bool better_informed = without_forecast && forecast_now && *stored == served;
  if (stored && !stale && !better_informed && (*stored == served || !evening)) return;

  const domain::Selection table = domain::select(selection_input(now));  // Type B's choice
  if (table.hold || table.source == "override") return;
  auto cur = current(domain::profile_parameters(), now);
  auto soc = ctx_.points.get("battery.soc", now);
  if (!cur || !soc || soc->quality != Quality::kOk || !std::holds_alternative<double>(soc->value)) {
    return;  // nothing is chosen on a guess: wait for the settings and the battery's charge
  }
  const auto current_settings = strategy::control_settings_from(*cur);
  const auto table_settings = strategy::control_settings_from(table.values);
  if (!current_settings || !table_settings || ctx_.tariff == nullptr) return;

  strategy::PvSite site;
  site.latitude_deg = cfg.latitude_deg;
  site.longitude_deg = cfg.longitude_deg;
  site.tilt_deg = cfg.tilt_deg;
  site.azimuth_deg = cfg.azimuth_deg;
  site.system_efficiency = cfg.system_efficiency;
  site.panels = 1;
  site.panel_w = cfg.pv_kw * 1000.0;
  // Solar time needs the site's offset from UTC (the process time zone is the site's).
  const auto local_as_utc = std::chrono::sys_days{domain::to_date(local)} +
                            std::chrono::hours(local.hour) + std::chrono::minutes(local.minute) +
                            std::chrono::seconds(local.second);
  site.utc_offset_h =
      std::chrono::duration<double>(local_as_utc - std::chrono::floor<std::chrono::seconds>(now))
          .count() /
      3600.0;

  std::vector<strategy::DayWeather> forecast;
  if (forecast_now) {
    for (int k = 0; k < cfg.horizon_days; ++k) {
      const auto* day =
          forecast_->day(domain::Date{std::chrono::sys_days{served} + std::chrono::days{k}});
      forecast.push_back(day != nullptr ? day_weather(day->kind) : strategy::DayWeather::kNormal);
    }
  }
  strategy::AutoPolicy policy;
  policy.horizon_days = cfg.horizon_days;
  policy.min_saving_yen_per_write = cfg.min_saving_yen_per_write;
  strategy::InverterModel model;
  model.battery_kwh = ctx_.config.site.battery_kwh;
  auto number = [&](const char* lcd, double fallback) {
    auto it = baseline_.values.find(lcd);
    const double* v = it == baseline_.values.end() ? nullptr : std::get_if<double>(&it->second);
    return v != nullptr ? *v : fallback;
  };
  model.switch_to_grid_soc = number("61", model.switch_to_grid_soc);
  model.discharge_stop_soc = number("59", model.discharge_stop_soc);
  model.absorption_start_soc = number("60", model.absorption_start_soc);
  model.ac_charge_limit_a = number("28", model.ac_charge_limit_a);
  // The field data show slot 1 can deliver nothing; when the slot check has measured that, the
  // plan does not count on it.
  const bool slot1_dead =
      ctx_.slots != nullptr && ctx_.slots->slot1_delivers() == std::optional<bool>(false);
  model.slot1_charges = !slot1_dead;
  if (!auto_candidates_) {
    domain::InterlockLimits limits;
    limits.bank_charge_limit_a = ctx_.config.settings.bank_charge_limit_a;
    auto_candidates_ =
        strategy::auto_candidates(policy, strategy::ControlRanges{}, baseline_.values, limits);
  }
  // The household's level from its own whole measured days, the calibrated model until there
  // are enough of them.
  const std::vector<strategy::MeasuredDay> measured = read_measured_days(ctx_.history.db());
  const strategy::LoadLearning learning;
  const strategy::LearnedLoad load =
      strategy::learn_load(strategy::HouseholdModel{}, measured, served, learning);
  const strategy::ExpectedDays expected = strategy::expected_days(
      site, strategy::Climate{}, load.household, *ctx_.tariff, served, forecast,
      policy.horizon_days, policy.model_step_min, std::nullopt, ctx_.holidays);
  strategy::AutoContext actx;
  actx.candidates = &*auto_candidates_;
  actx.battery.soc_pct = std::get<double>(soc->value);
  // SBU may already have the house on the grid (below 61 earlier, not yet back at 62): then the
  // coming night starts there, whatever the battery holds.
  if (auto state = ctx_.points.get("inverter.state", now);
      state && state->quality == Quality::kOk &&
      std::holds_alternative<std::string>(state->value)) {
    actx.battery.on_grid = std::get<std::string>(state->value) == "line" &&
                           actx.battery.soc_pct < current_settings->back_to_battery_soc;
  }
  actx.current = *current_settings;
  actx.budget = ctx_.config.settings.budget;
  if (auto used = store_.usage(today(now))) actx.used_today = *used;
  actx.compare = *table_settings;
  const strategy::AutoChoice choice = strategy::choose_auto(expected, model, actx, policy);

  std::string reason = "automatic for " + domain::format_date(served) + ": " + choice.reason;
  if (choice.compare_cost_yen) {
    reason += "; " + table.profile + " would choose " + strategy::describe(*table_settings) + ": " +
              strategy::format_yen(*choice.compare_cost_yen);
  }
  reason += "; " + load.describe(learning);
  reason += forecast.empty() ? " (no current forecast: normal days assumed)" : "";
  reason += slot1_dead ? " (slot 1 has delivered nothing lately: planned without it)" : "";
  auto_choice_ = {
      {"served", domain::format_date(served)},
      {"at", format_iso8601_utc(now)},
      {"values", adapters::settings_to_json(strategy::to_setting_values(choice.settings))},
      {"reason", reason},
      {"forecast", !forecast.empty()},
      {"expected_yen", choice.expected_cost_yen},
      {"keep_yen", choice.keep_cost_yen},
      {"load", {{"measured_days", load.days_used}, {"factor", load.factor}}},
      {"table",
       {{"profile", table.profile},
        {"values", adapters::settings_to_json(table.values)},
        {"expected_yen", choice.compare_cost_yen.value_or(0.0)}}}};
  if (Status s = store_.put(kAutoKey, auto_choice_, now); !s) {
    ctx_.log.error(kAutoComponent, "cannot store the automatic choice: " + s.error().describe());
  }
  ctx_.log.info(kAutoComponent, reason);
}

void SettingsController::load_auto_choice() {
  if (!auto_mode()) return;
  if (auto v = store_.get(kAutoKey); v && *v && (**v).is_object() && (**v)["values"].is_object()) {
    auto_choice_ = **v;
  }
}

}  // namespace sb::app
