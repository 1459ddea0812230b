// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/plot_spec.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace sb::domain {

namespace {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct ColourName {
  PlotColour colour;
  const char* name;
};
constexpr std::array<ColourName, 9> kColourNames{{{PlotColour::kPv, "pv"},
                                                  {PlotColour::kLoad, "load"},
                                                  {PlotColour::kGrid, "grid"},
                                                  {PlotColour::kBattery, "battery"},
                                                  {PlotColour::kSoc, "soc"},
                                                  {PlotColour::kBand1, "band1"},
                                                  {PlotColour::kBand2, "band2"},
                                                  {PlotColour::kBand3, "band3"},
                                                  {PlotColour::kBand4, "band4"}}};

// Bands get their colours in `order`; a band beyond the fourth shares the fourth's.
PlotColour band_colour(const std::vector<std::string>& order, const std::string& band) {
  auto it = std::find(order.begin(), order.end(), band);
  const auto i = static_cast<int>(std::min<std::ptrdiff_t>(it - order.begin(), 3));
  return static_cast<PlotColour>(static_cast<int>(PlotColour::kBand1) + i);
}

// "2026-12-01" -> "12-01": the bars' labels.
std::string short_day(const std::string& day) {
  return day.size() == 10 ? day.substr(5) : day;
}

std::string missing_note(const std::vector<std::string>& missing) {
  if (missing.empty()) return {};
  std::string note = "no record for ";
  for (std::size_t i = 0; i < missing.size(); ++i) {
    if (i > 0) note += i + 1 == missing.size() ? " and " : ", ";
    note += missing[i];
  }
  return note;
}

}  // namespace

const char* plot_colour_name(PlotColour c) {
  for (const auto& n : kColourNames)
    if (n.colour == c) return n.name;
  return "pv";
}

std::optional<PlotColour> plot_colour_from_name(const std::string& name) {
  for (const auto& n : kColourNames)
    if (name == n.name) return n.colour;
  return std::nullopt;
}

PlotSpec day_plot(const std::string& day, std::vector<DayPlotSample> samples,
                  const std::vector<BandSpan>& bands, double max_gap_hours,
                  const std::vector<std::string>& band_order) {
  std::sort(samples.begin(), samples.end(),
            [](const DayPlotSample& a, const DayPlotSample& b) { return a.hour < b.hour; });
  PlotSpec spec;
  spec.kind = PlotSpec::Kind::kLines;
  spec.title = "Power and state of charge, " + day;
  spec.x_label = "hour (local time)";
  std::vector<std::string> order = band_order;
  for (const auto& b : bands) {
    if (std::find(order.begin(), order.end(), b.band) == order.end()) order.push_back(b.band);
    spec.shades.push_back({b.start_hour, b.end_hour, b.band, band_colour(order, b.band)});
  }
  struct Curve {
    const char* name;
    PlotColour colour;
    std::optional<double> DayPlotSample::*field;
    double scale;
  };
  const std::array<Curve, 4> powers{
      {{"PV", PlotColour::kPv, &DayPlotSample::pv_w, 0.001},
       {"load", PlotColour::kLoad, &DayPlotSample::load_w, 0.001},
       {"grid", PlotColour::kGrid, &DayPlotSample::grid_w, 0.001},
       {"battery", PlotColour::kBattery, &DayPlotSample::battery_w, 0.001}}};
  // One curve of one field: a NaN where a value is missing and where two samples with values
  // are further apart than the gap allowed.
  auto curve = [&](const char* name, PlotColour colour, std::optional<double> DayPlotSample::*field,
                   double scale) {
    PlotLine line{name, colour, {}, {}};
    std::optional<double> last_hour;
    for (const auto& s : samples) {
      const auto& v = s.*field;
      if (!v || !std::isfinite(*v)) {
        if (last_hour) {
          line.x.push_back(s.hour);
          line.y.push_back(kNoValue);
          last_hour.reset();
        }
        continue;
      }
      if (last_hour && s.hour - *last_hour > max_gap_hours) {
        line.x.push_back((s.hour + *last_hour) / 2);
        line.y.push_back(kNoValue);
      }
      line.x.push_back(s.hour);
      line.y.push_back(*v * scale);
      last_hour = s.hour;
    }
    return line;
  };
  PlotPanel power{"kW", {}, std::nullopt, std::nullopt};
  for (const auto& c : powers)
    power.lines.push_back(curve(c.name, c.colour, c.field, c.scale));
  PlotPanel soc{
      "SOC %", {curve("SOC", PlotColour::kSoc, &DayPlotSample::soc_pct, 1.0)}, 0.0, 100.0};
  spec.panels = {std::move(power), std::move(soc)};
  std::size_t with_values = 0;
  for (const auto& s : samples)
    if (s.soc_pct || s.pv_w || s.load_w || s.grid_w || s.battery_w) ++with_values;
  spec.note = with_values == 0 ? "no samples recorded for this day"
                               : std::to_string(with_values) +
                                     " samples; grid + bought, battery + charging; shading: "
                                     "tariff bands";
  return spec;
}

namespace {

// One bar per day (labelled by `label`), one stacked series per band: `band_order`, then any
// other band in `values`, each in its colour. Returns the days without a value, and the total.
struct Stacked {
  std::vector<std::string> missing;
  double total = 0;
};
Stacked stack_by_band(PlotSpec& spec, const std::vector<std::string>& days,
                      std::string (*label)(const std::string&),
                      const std::vector<DayBandAmount>& values,
                      const std::vector<std::string>& band_order) {
  spec.kind = PlotSpec::Kind::kBars;
  std::map<std::string, std::size_t> index;
  for (const auto& d : days) {
    index.emplace(d, spec.categories.size());
    spec.categories.push_back(label(d));
  }
  std::vector<std::string> order = band_order;
  for (const auto& v : values)
    if (std::find(order.begin(), order.end(), v.band) == order.end()) order.push_back(v.band);
  for (const auto& band : order)
    spec.bars.push_back({band, band_colour(order, band), std::vector<double>(days.size(), 0.0)});
  Stacked out;
  std::set<std::string> seen;
  for (const auto& v : values) {
    auto day = index.find(v.day);
    if (day == index.end()) continue;
    seen.insert(v.day);
    const auto band =
        static_cast<std::size_t>(std::find(order.begin(), order.end(), v.band) - order.begin());
    spec.bars[band].values[day->second] += v.value;
    out.total += v.value;
  }
  for (const auto& d : days)
    if (!seen.count(d)) out.missing.push_back(d);
  return out;
}

std::string day_of_month(const std::string& day) {
  return day.size() == 10 ? day.substr(8) : day;
}

}  // namespace

PlotSpec week_energy_plot(const std::vector<std::string>& days,
                          const std::vector<DayBandEnergy>& rows,
                          const std::vector<std::string>& band_order) {
  PlotSpec spec;
  spec.title = days.empty() ? "Grid energy by band"
                            : "Grid energy bought by band, " + days.front() + " to " + days.back();
  spec.bar_y_label = "kWh";
  std::vector<DayBandAmount> bought;
  for (const auto& r : rows)
    bought.push_back({r.day, r.band, r.flows.grid_import_kwh});
  spec.note = missing_note(stack_by_band(spec, days, short_day, bought, band_order).missing);
  return spec;
}

PlotSpec month_yen_plot(const std::string& month, const std::vector<std::string>& days,
                        const std::vector<DayBandAmount>& yen,
                        const std::vector<std::string>& band_order) {
  PlotSpec spec;
  spec.title = "Energy charges by band, " + month + " (yen per day)";
  spec.bar_y_label = "yen";
  const Stacked stacked = stack_by_band(spec, days, day_of_month, yen, band_order);
  spec.note = "energy charges " + std::to_string(static_cast<long>(std::lround(stacked.total))) +
              " yen (basic charge not included)";
  std::vector<std::string> missing;
  for (const auto& d : stacked.missing)
    missing.push_back(short_day(d));
  if (missing.size() > 3) {
    spec.note += "; " + std::to_string(missing.size()) + " days without a record";
  } else if (!missing.empty()) {
    spec.note += "; " + missing_note(missing);
  }
  return spec;
}

}  // namespace sb::domain
