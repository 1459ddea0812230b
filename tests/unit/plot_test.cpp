// SPDX-License-Identifier: Apache-2.0
// Chart descriptions: what the day, week and month charts hold, and the JSON that carries them
// to sunbridge-plot (checked strictly, every problem named).
#include <catch2/catch.hpp>

#include <cmath>

#include "sunbridge/adapters/plot_json.hpp"
#include "sunbridge/domain/plot_spec.hpp"

using namespace sb;
using namespace sb::domain;

namespace {

DayPlotSample at(double hour, double soc, double pv_w) {
  return {hour, soc, pv_w, 500.0, 500.0 - pv_w, 0.0};
}

std::size_t gaps(const PlotLine& line) {
  std::size_t n = 0;
  for (double y : line.y)
    n += std::isnan(y) ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("the day chart: kW and SOC curves, broken at an outage, bands shaded", "[unit][plot]") {
  std::vector<DayPlotSample> samples;
  for (int m = 0; m < 120; m += 5)
    samples.push_back(at(m / 60.0, 50.0 + m / 10.0, 1000.0));
  // The link is down from 02:00 to 03:00, then a sample without PV.
  samples.push_back(at(3.0, 60.0, 1500.0));
  samples.push_back({3.1, 60.5, std::nullopt, 400.0, 400.0, 0.0});
  samples.push_back(at(3.2, 61.0, 2000.0));
  std::reverse(samples.begin(), samples.end());  // any order
  const auto bands = band_spans([](int minute) {
    return minute < 7 * 60 || minute >= 23 * 60 ? std::string("night") : std::string("day");
  });
  REQUIRE(bands.size() == 3);
  CHECK(bands[0].start_hour == 0.0);
  CHECK(bands[0].end_hour == 7.0);
  CHECK(bands[1].band == "day");
  CHECK(bands[2].end_hour == 24.0);

  const PlotSpec spec = day_plot("2026-12-01", samples, bands, 0.25);
  CHECK(spec.kind == PlotSpec::Kind::kLines);
  CHECK(spec.title == "Power and state of charge, 2026-12-01");
  REQUIRE(spec.panels.size() == 2);
  REQUIRE(spec.panels[0].lines.size() == 4);
  const PlotLine& pv = spec.panels[0].lines[0];
  CHECK(pv.name == "PV");
  CHECK(pv.y.front() == Approx(1.0));  // kW
  // One break for the hour without samples, one for the sample without PV.
  CHECK(gaps(pv) == 2);
  CHECK(pv.y.back() == Approx(2.0));
  const PlotLine& soc = spec.panels[1].lines[0];
  CHECK(gaps(soc) == 1);  // only the outage
  CHECK(soc.y.back() == Approx(61.0));
  CHECK(spec.panels[1].y_min == 0.0);
  CHECK(spec.panels[1].y_max == 100.0);
  REQUIRE(spec.shades.size() == 3);
  CHECK(spec.shades[0].colour == spec.shades[2].colour);  // night, both ends of the day
  CHECK(spec.shades[0].colour != spec.shades[1].colour);
  CHECK(spec.note.find("27 samples") == 0);

  CHECK(day_plot("2026-12-02", {}, bands, 0.25).note == "no samples recorded for this day");
}

TEST_CASE("the week chart: grid energy per day stacked by band, missing days named",
          "[unit][plot]") {
  const std::vector<std::string> days = {"2026-11-30", "2026-12-01", "2026-12-02"};
  std::vector<DayBandEnergy> rows;
  DayBandEnergy r;
  r.day = "2026-11-30";
  r.band = "night";
  r.flows.grid_import_kwh = 6.5;
  rows.push_back(r);
  r.band = "day";
  r.flows.grid_import_kwh = 1.25;
  rows.push_back(r);
  r.day = "2026-12-02";
  r.band = "peak";  // not in the order given: added after it
  r.flows.grid_import_kwh = 2.0;
  rows.push_back(r);
  r.day = "2027-01-01";  // outside the week: ignored
  rows.push_back(r);
  const PlotSpec spec = week_energy_plot(days, rows, {"night", "day"});
  CHECK(spec.kind == PlotSpec::Kind::kBars);
  CHECK(spec.categories == std::vector<std::string>{"11-30", "12-01", "12-02"});
  REQUIRE(spec.bars.size() == 3);
  CHECK(spec.bars[0].name == "night");
  CHECK(spec.bars[0].values == std::vector<double>{6.5, 0, 0});
  CHECK(spec.bars[1].values == std::vector<double>{1.25, 0, 0});
  CHECK(spec.bars[2].name == "peak");
  CHECK(spec.bars[2].values == std::vector<double>{0, 0, 2.0});
  CHECK(spec.note == "no record for 2026-12-01");
  CHECK(spec.bar_y_label == "kWh");
}

TEST_CASE("the month chart: yen per day by band and the month's total", "[unit][plot]") {
  std::vector<std::string> days;
  for (int d = 1; d <= 30; ++d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "2026-11-%02d", d);
    days.emplace_back(buf);
  }
  std::vector<DayBandAmount> yen;
  for (int d = 0; d < 28; ++d) {
    yen.push_back({days[static_cast<std::size_t>(d)], "night", 100.0});
    yen.push_back({days[static_cast<std::size_t>(d)], "day", 50.4});
  }
  const PlotSpec spec = month_yen_plot("2026-11", days, yen, {"night", "day"});
  CHECK(spec.categories.front() == "01");
  CHECK(spec.categories.size() == 30);
  CHECK(spec.bars[0].values[0] == 100.0);
  CHECK(spec.bars[1].values[27] == 50.4);
  CHECK(spec.bars[1].values[28] == 0.0);
  CHECK(spec.note ==
        "energy charges 4211 yen (basic charge not included); no record for 11-29 "
        "and 11-30");
}

TEST_CASE("a chart description survives JSON and gaps stay gaps", "[unit][plot]") {
  std::vector<DayPlotSample> samples = {at(0, 50, 0), at(1, 51, 0), at(5, 52, 100)};
  const PlotSpec spec = day_plot("2026-12-01", samples, {{0, 24, "flat"}}, 0.5);
  const auto j = adapters::plot_spec_to_json(spec);
  // 50, gap, 51, gap, 52: each hop is longer than half an hour.
  CHECK(j["panels"][1]["lines"][0]["y"][1].is_null());
  CHECK(j["panels"][1]["lines"][0]["y"][3].is_null());
  auto back = adapters::plot_spec_from_text(j.dump());
  REQUIRE(back.ok());
  CHECK(back->title == spec.title);
  REQUIRE(back->panels.size() == 2);
  CHECK(back->panels[1].lines[0].x == spec.panels[1].lines[0].x);
  CHECK(std::isnan(back->panels[1].lines[0].y[3]));
  CHECK(back->panels[1].lines[0].y[4] == 52.0);
  CHECK(back->shades.size() == 1);
  CHECK(back->panels[1].y_max == 100.0);

  const PlotSpec bars = week_energy_plot({"2026-12-01"}, {}, {"night"});
  auto bars_back = adapters::plot_spec_from_json(adapters::plot_spec_to_json(bars));
  REQUIRE(bars_back.ok());
  CHECK(bars_back->categories == bars.categories);
  CHECK(bars_back->bars[0].values == std::vector<double>{0});
}

TEST_CASE("a bad chart description is refused with every problem named", "[unit][plot]") {
  CHECK(adapters::plot_spec_from_text("{").error().detail == "chart description: not valid JSON");
  CHECK(adapters::plot_spec_from_text("[]").error().detail.find("not an object") !=
        std::string::npos);
  const std::string bad = R"({"kind": "lines", "x_min": 5, "x_max": 1,
    "panels": [{"lines": [{"name": "PV", "colour": "mauve", "x": [0, 1], "y": [1]},
                          {"colour": "pv", "x": [0, "a"], "y": [1, 2]}]}],
    "shades": [{"x0": 0, "colour": "band1"}]})";
  auto r = adapters::plot_spec_from_text(bad);
  REQUIRE(!r.ok());
  const std::string& d = r.error().detail;
  INFO(d);
  for (const char* problem :
       {"x_max: not above x_min", "panels[0].lines[0].colour: unknown colour 'mauve'",
        "panels[0].lines[0].y: 1 values for 2 x values", "panels[0].lines[1].name: missing",
        "panels[0].lines[1].x[1]: not a finite number", "shades[0].x1: missing"}) {
    CHECK(d.find(problem) != std::string::npos);
  }
  auto bars = adapters::plot_spec_from_text(
      R"({"kind": "bars", "categories": ["a", "b"], "bars": [{"name": "n", "colour": "band1",
      "values": [1]}]})");
  REQUIRE(!bars.ok());
  CHECK(bars.error().detail.find("bars[0].values: 1 values for 2 categories") != std::string::npos);
  auto huge = adapters::plot_spec_from_json(
      {{"kind", "bars"}, {"categories", std::vector<std::string>(500, "x")}});
  REQUIRE(!huge.ok());
  CHECK(huge.error().detail.find("more than 400 entries") != std::string::npos);
}

TEST_CASE("a band has the same colour in every chart: the order given first", "[unit][plot]") {
  const std::vector<std::string> order = {"night", "day", "peak"};
  const PlotSpec day = day_plot("2026-12-01", {}, {{0, 10, "peak"}, {10, 24, "night"}}, 1, order);
  CHECK(day.shades[0].colour == PlotColour::kBand3);
  CHECK(day.shades[1].colour == PlotColour::kBand1);
  const PlotSpec week = week_energy_plot({"2026-12-01"}, {}, order);
  CHECK(week.bars[2].name == "peak");
  CHECK(week.bars[2].colour == PlotColour::kBand3);
}
