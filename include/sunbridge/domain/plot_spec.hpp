// SPDX-License-Identifier: Apache-2.0
// What a chart shows, apart from how it is drawn (docs/reports.md "Plots"): the day's SOC and
// power curves with the tariff bands shaded, a week of grid energy by band, a month of yen by
// band. Pure: measured values in, a description out. The drawing is done by sunbridge-plot
// (PLplot), which reads this description as JSON, so neither the daemon nor the CLI loads a
// plotting library.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sunbridge/domain/energy_meter.hpp"

namespace sb::domain {

// Colours by role, so that every chart uses the same colour for the same thing.
enum class PlotColour { kPv, kLoad, kGrid, kBattery, kSoc, kBand1, kBand2, kBand3, kBand4 };
const char* plot_colour_name(PlotColour c);
std::optional<PlotColour> plot_colour_from_name(const std::string& name);

// A curve; y is NaN where there is no value (the line is broken there: a gap stays a gap).
struct PlotLine {
  std::string name;
  PlotColour colour = PlotColour::kPv;
  std::vector<double> x, y;
};

struct PlotPanel {
  std::string y_label;
  std::vector<PlotLine> lines;
  std::optional<double> y_min, y_max;  // fixed range (SOC 0-100); otherwise from the data
};

// A shaded x range behind the curves (a tariff band).
struct PlotShade {
  double x0 = 0, x1 = 0;
  std::string label;
  PlotColour colour = PlotColour::kBand1;
};

// One stacked part of every bar.
struct PlotBarSeries {
  std::string name;
  PlotColour colour = PlotColour::kBand1;
  std::vector<double> values;  // one per category
};

struct PlotSpec {
  enum class Kind { kLines, kBars };
  Kind kind = Kind::kLines;
  std::string title;
  std::string x_label;
  // Lines: x is hours from local midnight, [x_min, x_max].
  double x_min = 0, x_max = 24;
  std::vector<PlotShade> shades;
  std::vector<PlotPanel> panels;
  // Bars: one bar per category, the series stacked in order.
  std::vector<std::string> categories;
  std::vector<PlotBarSeries> bars;
  std::string bar_y_label;
  std::string note;  // one line under the chart (what is missing, what the figures are)
};

// One history sample of the day, at `hour` from local midnight; nullopt where not recorded.
struct DayPlotSample {
  double hour = 0;
  std::optional<double> soc_pct, pv_w, load_w, grid_w, battery_w;
};

// A tariff band in force over [start_hour, end_hour) of the day.
struct BandSpan {
  double start_hour = 0, end_hour = 0;
  std::string band;
};

// The day's curves: power in kW (PV, load, grid: + bought, battery: + charging) over SOC in %.
// Samples further apart than `max_gap_hours` break the lines. Bands are shaded, each band name
// in its own colour: in `band_order` (as the bar charts), then any other in the order seen.
PlotSpec day_plot(const std::string& day, std::vector<DayPlotSample> samples,
                  const std::vector<BandSpan>& bands, double max_gap_hours,
                  const std::vector<std::string>& band_order = {});

// Grid energy bought per day, stacked by band, for the days given ("2026-12-01"); days without
// rows are empty bars, named in the note.
PlotSpec week_energy_plot(const std::vector<std::string>& days,
                          const std::vector<DayBandEnergy>& rows,
                          const std::vector<std::string>& band_order);

// An amount of one band on one day (yen, kWh).
struct DayBandAmount {
  std::string day, band;
  double value = 0;
};
// What each day's energy cost in yen, stacked by band; `yen` holds one row per day and band.
PlotSpec month_yen_plot(const std::string& month, const std::vector<std::string>& days,
                        const std::vector<DayBandAmount>& yen,
                        const std::vector<std::string>& band_order);

// Merges consecutive equal bands, sampled every `step_minutes` over the day by `band_at`
// (minute of the day -> band name).
template <typename BandAt>
std::vector<BandSpan> band_spans(BandAt band_at, int step_minutes = 5) {
  std::vector<BandSpan> spans;
  for (int m = 0; m < 24 * 60; m += step_minutes) {
    std::string band = band_at(m);
    const double h0 = m / 60.0, h1 = (m + step_minutes) / 60.0;
    if (!spans.empty() && spans.back().band == band) {
      spans.back().end_hour = h1;
    } else {
      spans.push_back({h0, h1, std::move(band)});
    }
  }
  return spans;
}

}  // namespace sb::domain
