// SPDX-License-Identifier: Apache-2.0
// Clear-sky sunlight on the panels and the PV power it gives, for the household model
// (docs/strategy.md "PV"). Pure: a day of the year and a local minute in, watts out.
#pragma once

namespace sb::domain::strategy {

struct PvSite {
  double latitude_deg = 34.34;  // Takamatsu (the weather section's default)
  double longitude_deg = 134.05;
  double utc_offset_h = 9.0;  // Japan: no daylight saving time
  double tilt_deg = 30.0;
  double azimuth_deg = 180.0;       // compass bearing the panels face: 180 = south
  double panel_w = 410.0;           // LY4M410H54(H)
  int panels = 6;                   // as installed (12 planned)
  double system_efficiency = 0.85;  // panel to AC: temperature, wiring, MPPT and conversion
  double albedo = 0.2;
  [[nodiscard]] double peak_kw() const { return panel_w * panels / 1000.0; }
};

// Sunlight on the panel plane under a clear sky, W/m2, at `minute_of_day` local standard time
// of day `day_of_year` (1-366). Zero at night.
double clear_sky_plane_w_m2(const PvSite& site, int day_of_year, double minute_of_day);

// Hours the sun is above the horizon on that day (for sunshine fractions).
double daylight_hours(const PvSite& site, int day_of_year);

// AC power the array gives for `plane_w_m2` of sunlight on it, kW.
inline double pv_ac_kw(const PvSite& site, double plane_w_m2) {
  return plane_w_m2 / 1000.0 * site.peak_kw() * site.system_efficiency;
}

}  // namespace sb::domain::strategy
