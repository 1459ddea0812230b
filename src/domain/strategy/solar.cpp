// SPDX-License-Identifier: Apache-2.0
// Sun position: the NOAA general solar position equations (Spencer's series for the declination
// and the equation of time). Clear-sky global irradiance: Haurwitz's model,
// 1098 cos(z) exp(-0.057 / cos(z)) W/m2, with a fixed diffuse share; the plane of the array gets
// beam * cos(incidence) + isotropic sky diffuse + ground reflection. Good to a few per cent
// for a daily energy, which is all a household model needs (docs/strategy.md).
#include "sunbridge/domain/strategy/solar.hpp"

#include <algorithm>
#include <cmath>

namespace sb::domain::strategy {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = kPi / 180.0;
constexpr double kDiffuseShare = 0.15;  // of clear-sky global irradiance

struct SunAngles {
  double declination_rad;
  double equation_of_time_min;
};

SunAngles sun_angles(int day_of_year, double hour) {
  const double g = 2.0 * kPi / 365.0 * (day_of_year - 1 + (hour - 12.0) / 24.0);
  SunAngles a{};
  a.equation_of_time_min = 229.18 * (0.000075 + 0.001868 * std::cos(g) - 0.032077 * std::sin(g) -
                                     0.014615 * std::cos(2 * g) - 0.040849 * std::sin(2 * g));
  a.declination_rad = 0.006918 - 0.399912 * std::cos(g) + 0.070257 * std::sin(g) -
                      0.006758 * std::cos(2 * g) + 0.000907 * std::sin(2 * g) -
                      0.002697 * std::cos(3 * g) + 0.00148 * std::sin(3 * g);
  return a;
}

}  // namespace

double clear_sky_plane_w_m2(const PvSite& site, int day_of_year, double minute_of_day) {
  const SunAngles a = sun_angles(day_of_year, minute_of_day / 60.0);
  const double solar_minutes =
      minute_of_day + a.equation_of_time_min + 4.0 * site.longitude_deg - 60.0 * site.utc_offset_h;
  const double hour_angle = (solar_minutes / 4.0 - 180.0) * kDeg;
  const double lat = site.latitude_deg * kDeg;
  const double dec = a.declination_rad;
  // The sun as a unit vector: east, north, up.
  const double up =
      std::sin(lat) * std::sin(dec) + std::cos(lat) * std::cos(dec) * std::cos(hour_angle);
  if (up <= 0.01) return 0.0;
  const double east = -std::cos(dec) * std::sin(hour_angle);
  const double north =
      std::cos(lat) * std::sin(dec) - std::sin(lat) * std::cos(dec) * std::cos(hour_angle);
  const double tilt = site.tilt_deg * kDeg;
  const double bearing = site.azimuth_deg * kDeg;
  const double cos_incidence =
      std::max(0.0, east * std::sin(tilt) * std::sin(bearing) +
                        north * std::sin(tilt) * std::cos(bearing) + up * std::cos(tilt));
  const double global = 1098.0 * up * std::exp(-0.057 / up);
  const double diffuse = kDiffuseShare * global;
  const double beam_normal = (global - diffuse) / up;
  return beam_normal * cos_incidence + diffuse * (1.0 + std::cos(tilt)) / 2.0 +
         global * site.albedo * (1.0 - std::cos(tilt)) / 2.0;
}

double daylight_hours(const PvSite& site, int day_of_year) {
  const double dec = sun_angles(day_of_year, 12.0).declination_rad;
  const double lat = site.latitude_deg * kDeg;
  // Sunrise to sunset with the standard refraction allowance (-0.833 degrees).
  const double c =
      (std::sin(-0.833 * kDeg) - std::sin(lat) * std::sin(dec)) / (std::cos(lat) * std::cos(dec));
  return 2.0 * std::acos(std::clamp(c, -1.0, 1.0)) / kDeg / 15.0;
}

}  // namespace sb::domain::strategy
