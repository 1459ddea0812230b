// SPDX-License-Identifier: Apache-2.0
// `sunbridge plot day|week|month [DATE]`: the chart descriptions (domain/plot_spec.hpp) from the
// history and the energy book, priced by the configured tariff (docs/reports.md "Plots").
#include <algorithm>
#include <map>

#include "sunbridge/adapters/energy_store.hpp"
#include "sunbridge/adapters/plot_json.hpp"
#include "sunbridge/app/control_api.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/energy_report.hpp"

namespace sb::app {

using nlohmann::json;
using std::chrono::sys_days;

namespace {

const std::vector<std::string> kDayPoints = {"battery.soc", "pv.power", "load.power", "grid.power",
                                             "battery.power"};

std::vector<std::string> days_of(const domain::DatePeriod& p) {
  std::vector<std::string> days;
  for (auto d = sys_days(p.first); d <= sys_days(p.last); d += std::chrono::days(1))
    days.push_back(domain::format_date(domain::Date{d}));
  return days;
}

// The tariff's band names from the cheapest to the dearest (each by its lowest rate), so that
// every chart gives the night band the first colour and the peak the last.
std::vector<std::string> band_order(const domain::Tariff& tariff) {
  std::map<std::string, double> cheapest;
  for (const auto& b : tariff.bands()) {
    auto [it, added] = cheapest.try_emplace(b.name, b.yen_per_kwh);
    if (!added) it->second = std::min(it->second, b.yen_per_kwh);
  }
  std::vector<std::string> order;
  for (const auto& [name, _] : cheapest)
    order.push_back(name);
  std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
    return cheapest[a] < cheapest[b];
  });
  return order;
}

json chart_reply(const std::string& kind, const std::string& date, const domain::PlotSpec& spec) {
  return {{"ok", true},
          {"kind", kind},
          {"date", date},
          {"file_name", "sunbridge-" + kind + "-" + date},
          {"chart", adapters::plot_spec_to_json(spec)}};
}

}  // namespace

void ControlApi::plot(const json& request, const std::function<void(json)>& reply) {
  const WallTime now = ctx_.clock.wall_now();
  const std::string kind = request.value("kind", std::string("day"));
  domain::Date date = domain::local_date(now);
  if (request.contains("date") && request["date"].is_string() &&
      !request["date"].get<std::string>().empty()) {
    auto d = domain::parse_date(request["date"].get<std::string>());
    if (!d) return reply({{"ok", false}, {"error", "date: expected YYYY-MM-DD"}});
    date = *d;
  }
  if (kind != "day" && kind != "week" && kind != "month") {
    return reply({{"ok", false}, {"error", "chart must be day, week or month"}});
  }
  const auto period = domain::period_containing(kind, date);
  const std::string date_text = domain::format_date(kind == "day" ? date : period->first);
  const domain::Tariff& tariff = ctx_.tariff->tariff();
  const auto order = band_order(tariff);

  if (kind == "week" || kind == "month") {
    auto rows = adapters::EnergyStore(ctx_.history.db())
                    .query(domain::format_date(period->first), domain::format_date(period->last));
    if (!rows) return reply({{"ok", false}, {"error", rows.error().describe()}});
    const auto days = days_of(*period);
    if (kind == "week")
      return reply(chart_reply(kind, date_text, domain::week_energy_plot(days, *rows, order)));
    // Each day priced on its own: the month's surcharges and adjustments apply per kWh.
    std::map<std::string, std::vector<domain::DayBandEnergy>> by_day;
    for (auto& r : *rows)
      by_day[r.day].push_back(std::move(r));
    std::vector<domain::DayBandAmount> yen;
    for (const auto& [day, day_rows] : by_day) {
      const auto report = domain::make_energy_report(
          day_rows, tariff, day, day, 1, tariff.night_band(), ctx_.config.site.battery_kwh);
      for (const auto& [band, b] : report.bands)
        yen.push_back({day, band, b.yen});
    }
    const std::string month = date_text.substr(0, 7);
    return reply(chart_reply(kind, month, domain::month_yen_plot(month, days, yen, order)));
  }

  // The day: history samples from local midnight to midnight.
  const auto since = domain::local_time_on(date);
  const auto until = domain::local_time_on(domain::Date{sys_days(date) + std::chrono::days(1)});
  if (!since || !until) return reply({{"ok", false}, {"error", "that day has no local midnight"}});
  if (Status s = ctx_.history.flush(); !s) {
    return reply({{"ok", false}, {"error", "history not available: " + s.error().describe()}});
  }
  std::vector<domain::BandSpan> bands = domain::band_spans([&](int minute) {
    const CivilTime local{static_cast<int>(date.year()),
                          static_cast<int>(static_cast<unsigned>(date.month())),
                          static_cast<int>(static_cast<unsigned>(date.day())),
                          minute / 60,
                          minute % 60,
                          0};
    return ctx_.tariff->band_at(local).name;
  });
  // A line breaks where samples are further apart than three sample intervals (at least five
  // minutes): an outage of the link shows as a gap.
  const double max_gap_hours =
      std::max(3.0 * static_cast<double>(ctx_.config.storage.sample_interval.count()), 300.0) /
      3600.0;
  // Raw samples while they are kept, the 1-minute summaries (means) after that.
  const auto resolution =
      *since >= ctx_.clock.wall_now() -
                    std::chrono::hours(24) * ctx_.config.storage.retention.raw_days
          ? adapters::Resolution::kRaw
          : adapters::Resolution::kMinute;
  ctx_.history_reader.query(
      *since, *until, kDayPoints, kMaxHistoryRows,
      [reply, bands = std::move(bands), midnight = *since, date_text, max_gap_hours,
       order](Result<adapters::HistoryPage> page) {
        if (!page) return reply({{"ok", false}, {"error", page.error().describe()}});
        std::map<WallTime, domain::DayPlotSample> by_ts;
        for (const auto& s : page->samples) {
          auto& sample = by_ts[s.ts];
          sample.hour = std::chrono::duration<double, std::ratio<3600>>(s.ts - midnight).count();
          if (!s.value) continue;
          if (s.name == "battery.soc") sample.soc_pct = s.value;
          if (s.name == "pv.power") sample.pv_w = s.value;
          if (s.name == "load.power") sample.load_w = s.value;
          if (s.name == "grid.power") sample.grid_w = s.value;
          if (s.name == "battery.power") sample.battery_w = s.value;
        }
        std::vector<domain::DayPlotSample> samples;
        samples.reserve(by_ts.size());
        for (auto& [_, s] : by_ts)
          samples.push_back(s);
        reply(chart_reply(
            "day", date_text,
            domain::day_plot(date_text, std::move(samples), bands, max_gap_hours, order)));
      },
      {}, resolution);
}

}  // namespace sb::app
