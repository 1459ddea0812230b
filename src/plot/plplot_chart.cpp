// SPDX-License-Identifier: Apache-2.0
#include "plot/plplot_chart.hpp"

#include <plplot.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <vector>

namespace sb::plot {

using domain::PlotColour;
using domain::PlotSpec;

namespace {

// Colour map 0: the entries used below. 0 is the background.
enum Pen : PLINT { kBackground = 0, kInk = 1, kGrid = 2, kFirstRole = 3 };

struct Rgb {
  PLINT r, g, b;
};
// By PlotColour, in its order: strong colours for curves, pale ones for band shading.
constexpr Rgb kRoleColours[] = {
    {230, 159, 0},    // pv: orange
    {86, 70, 180},    // load: violet
    {200, 40, 40},    // grid: red
    {0, 140, 90},     // battery: green
    {0, 100, 190},    // soc: blue
    {200, 215, 240},  // band1: pale blue
    {250, 235, 180},  // band2: pale yellow
    {245, 200, 170},  // band3: pale orange
    {225, 200, 230},  // band4: pale violet
};
// The bands' colours in bars: the shading's hues, strong enough for a thin bar.
constexpr Rgb kBarColours[] = {{70, 120, 200}, {235, 170, 50}, {215, 95, 70}, {150, 105, 190}};
constexpr int kRoles = sizeof(kRoleColours) / sizeof(kRoleColours[0]);
// Bars use kBarColours, shades the pale band colours.
constexpr PLINT kDarkBandOffset = kFirstRole + kRoles;

PLINT pen(PlotColour c) { return kFirstRole + static_cast<PLINT>(c); }
PLINT bar_pen(PlotColour c) {
  const auto i = static_cast<PLINT>(c);
  return i >= static_cast<PLINT>(PlotColour::kBand1)
             ? kDarkBandOffset + (i - static_cast<PLINT>(PlotColour::kBand1))
             : pen(c);
}

void set_palette() {
  plscmap0n(kDarkBandOffset + 4);
  plscol0(kBackground, 255, 255, 255);
  plscol0(kInk, 30, 30, 30);
  plscol0(kGrid, 200, 200, 200);
  for (int i = 0; i < kRoles; ++i)
    plscol0(kFirstRole + i, kRoleColours[i].r, kRoleColours[i].g, kRoleColours[i].b);
  for (int i = 0; i < 4; ++i)
    plscol0(kDarkBandOffset + i, kBarColours[i].r, kBarColours[i].g, kBarColours[i].b);
}

// PLplot reads '#' as the start of an escape sequence.
std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '#') out += '#';
  }
  return out;
}

bool driver_available(const char* name) {
  // PLplot fills arrays the caller provides; count goes in as their size and comes out as the
  // number of drivers.
  std::array<const char*, 64> menu_storage{}, device_storage{};
  const char** menus = menu_storage.data();
  const char** devices = device_storage.data();
  int count = static_cast<int>(device_storage.size());
  plgDevs(&menus, &devices, &count);
  for (int i = 0; i < count; ++i)
    if (std::strcmp(devices[i], name) == 0) return true;
  return false;
}

void fill_rect(double x0, double x1, double y0, double y1) {
  PLFLT xs[4] = {x0, x1, x1, x0};
  PLFLT ys[4] = {y0, y0, y1, y1};
  plfill(4, xs, ys);
}

// Names in their colours along the top edge of the current viewport.
void legend(const std::vector<std::pair<std::string, PLINT>>& entries) {
  const double step = 1.0 / std::max<std::size_t>(entries.size(), 1);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    plcol0(entries[i].second);
    plmtex("t", 0.8, step * (i + 0.5), 0.5, escaped(entries[i].first).c_str());
  }
}

std::pair<double, double> data_range(const domain::PlotPanel& panel) {
  double lo = 0, hi = 0;
  bool any = false;
  for (const auto& l : panel.lines) {
    for (double y : l.y) {
      if (!std::isfinite(y)) continue;
      lo = any ? std::min(lo, y) : std::min(0.0, y);
      hi = any ? std::max(hi, y) : std::max(0.0, y);
      any = true;
    }
  }
  if (panel.y_min) lo = *panel.y_min;
  if (panel.y_max) hi = *panel.y_max;
  if (!(hi > lo)) hi = lo + 1;
  if (!panel.y_min || !panel.y_max) {
    const double pad = (hi - lo) * 0.05;
    if (!panel.y_min && lo < 0) lo -= pad;
    if (!panel.y_max) hi += pad;
  }
  return {lo, hi};
}

// A curve, broken wherever y has no value.
void draw_line(const domain::PlotLine& line) {
  plcol0(pen(line.colour));
  std::vector<PLFLT> xs, ys;
  auto flush = [&] {
    if (xs.size() >= 2) plline(static_cast<PLINT>(xs.size()), xs.data(), ys.data());
    if (xs.size() == 1) plpoin(1, xs.data(), ys.data(), 1);
    xs.clear();
    ys.clear();
  };
  for (std::size_t i = 0; i < line.x.size() && i < line.y.size(); ++i) {
    if (!std::isfinite(line.y[i])) {
      flush();
      continue;
    }
    xs.push_back(line.x[i]);
    ys.push_back(line.y[i]);
  }
  flush();
}

void draw_lines(const PlotSpec& spec) {
  const std::size_t n = spec.panels.size();
  const double top = 0.88, bottom = 0.14, gap = 0.08;
  const double height = (top - bottom - gap * static_cast<double>(n - 1)) / static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& panel = spec.panels[i];
    const double y1 = top - static_cast<double>(i) * (height + gap);
    plvpor(0.08, 0.97, y1 - height, y1);
    const auto [lo, hi] = data_range(panel);
    plwind(spec.x_min, spec.x_max, lo, hi);
    for (const auto& s : spec.shades) {
      const double x0 = std::max(s.x0, spec.x_min), x1 = std::min(s.x1, spec.x_max);
      if (x1 <= x0) continue;
      plcol0(pen(s.colour));
      fill_rect(x0, x1, lo, hi);
      if (i == 0 && x1 - x0 >= (spec.x_max - spec.x_min) / 12) {
        plcol0(kInk);
        plschr(0, 0.6);
        plptex((x0 + x1) / 2, hi - (hi - lo) * 0.06, 1, 0, 0.5, escaped(s.label).c_str());
        plschr(0, 1.0);
      }
    }
    plcol0(kGrid);
    plbox("g", 3, 0, "g", 0, 0);
    if (lo < 0 && hi > 0) pljoin(spec.x_min, 0, spec.x_max, 0);
    plcol0(kInk);
    plschr(0, 0.8);
    plbox("bcnst", 3, 3, "bcnstv", 0, 0);
    plmtex("l", 4.5, 0.5, 0.5, escaped(panel.y_label).c_str());
    plwidth(1.6);
    std::vector<std::pair<std::string, PLINT>> entries;
    for (const auto& line : panel.lines) {
      draw_line(line);
      entries.emplace_back(line.name, pen(line.colour));
    }
    plwidth(1.0);
    legend(entries);
    plschr(0, 1.0);
    if (i + 1 == n) {
      plcol0(kInk);
      plschr(0, 0.8);
      plmtex("b", 3.0, 0.5, 0.5, escaped(spec.x_label).c_str());
      plschr(0, 1.0);
    }
  }
}

void draw_bars(const PlotSpec& spec) {
  const std::size_t n = spec.categories.size();
  double hi = 0, lo = 0;
  for (std::size_t c = 0; c < n; ++c) {
    double up = 0, down = 0;
    for (const auto& s : spec.bars) {
      const double v = c < s.values.size() ? s.values[c] : 0;
      (v >= 0 ? up : down) += v;
    }
    hi = std::max(hi, up);
    lo = std::min(lo, down);
  }
  if (!(hi > lo)) hi = lo + 1;
  hi += (hi - lo) * 0.08;
  plvpor(0.08, 0.97, 0.16, 0.86);
  plwind(0, static_cast<double>(n), lo, hi);
  plcol0(kGrid);
  plbox("", 0, 0, "g", 0, 0);
  for (std::size_t c = 0; c < n; ++c) {
    double up = 0, down = 0;
    for (const auto& s : spec.bars) {
      const double v = c < s.values.size() ? s.values[c] : 0;
      if (v == 0) continue;
      double& base = v > 0 ? up : down;
      plcol0(bar_pen(s.colour));
      fill_rect(static_cast<double>(c) + 0.15, static_cast<double>(c) + 0.85, base, base + v);
      base += v;
    }
  }
  plcol0(kInk);
  plschr(0, 0.8);
  plbox("bc", 0, 0, "bcnstv", 0, 0);
  plmtex("l", 4.5, 0.5, 0.5, escaped(spec.bar_y_label).c_str());
  // Category labels: every one when they fit, otherwise every k-th.
  const std::size_t every = n > 16 ? (n + 15) / 16 : 1;
  for (std::size_t c = 0; c < n; c += every) {
    plmtex("b", 1.4, (static_cast<double>(c) + 0.5) / static_cast<double>(n), 0.5,
           escaped(spec.categories[c]).c_str());
  }
  std::vector<std::pair<std::string, PLINT>> entries;
  for (const auto& s : spec.bars)
    entries.emplace_back(s.name, bar_pen(s.colour));
  legend(entries);
  plschr(0, 1.0);
}

}  // namespace

Status draw_chart(const PlotSpec& spec, const std::string& path, ImageFormat format,
                  ImageSize size) {
  const char* device = format == ImageFormat::kPng ? "pngcairo" : "svg";
  if (!driver_available(device)) {
    return Error::unsupported(
        format == ImageFormat::kPng
            ? "PNG needs PLplot's cairo driver (Debian package plplot-driver-cairo); SVG works "
              "without it"
            : "PLplot's SVG driver is not installed (Debian package libplplot17)");
  }
  ::unlink(path.c_str());
  plsdev(device);
  plsfnam(path.c_str());
  plspage(0, 0, size.width_px, size.height_px, 0, 0);
  set_palette();
  plinit();
  pladv(0);
  plcol0(kInk);
  plvpor(0.08, 0.97, 0.05, 0.95);
  plschr(0, 1.1);
  plmtex("t", 0.5, 0.5, 0.5, escaped(spec.title).c_str());
  plschr(0, 0.75);
  plmtex("b", 0.5, 0.0, 0.0, escaped(spec.note).c_str());
  plschr(0, 1.0);
  if (spec.kind == PlotSpec::Kind::kLines) {
    draw_lines(spec);
  } else {
    draw_bars(spec);
  }
  plend();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || st.st_size == 0) {
    return Error::io(errno, "PLplot wrote nothing to " + path);
  }
  return {};
}

}  // namespace sb::plot
