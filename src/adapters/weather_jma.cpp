// SPDX-License-Identifier: Apache-2.0
// JMA office forecast (https://www.jma.go.jp/bosai/forecast/data/forecast/370000.json): an array
// of two reports, [0] the 3-day detail and [1] the 7-day outlook. All values are strings and ""
// means no value. Days are matched by timeDefines, never by index (site-jp.md section 5).
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/weather.hpp"
#include "sunbridge/core/local_time.hpp"

namespace sb::adapters {

using domain::Date;
using domain::DayKind;
using nlohmann::json;

namespace {

const json* member(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const json* array_member(const json& obj, const char* key) {
  const json* v = member(obj, key);
  return v != nullptr && v->is_array() ? v : nullptr;
}

// "" or a non-string: no value.
std::optional<double> number_string(const json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

// "2026-07-12T11:00:00+09:00" -> date and hour (JMA writes JST; the site is in JST).
struct Define {
  Date date;
  int hour = 0;
};
std::optional<Define> parse_define(const json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  if (s.size() < 16 || s[10] != 'T') return std::nullopt;
  auto date = domain::parse_date(std::string_view(s).substr(0, 10));
  if (!date || !std::isdigit(static_cast<unsigned char>(s[11])) ||
      !std::isdigit(static_cast<unsigned char>(s[12]))) {
    return std::nullopt;
  }
  return Define{*date, (s[11] - '0') * 10 + (s[12] - '0')};
}

// The area with `code` in a time series (or nullptr). `defines` receives the parsed timeDefines.
const json* find_area(const json& series, const std::string& code, std::vector<Define>& defines,
                      std::string& problem) {
  const json* td = array_member(series, "timeDefines");
  const json* areas = array_member(series, "areas");
  if (td == nullptr || areas == nullptr) {
    problem = "a timeSeries lacks timeDefines or areas";
    return nullptr;
  }
  defines.clear();
  for (const json& d : *td) {
    auto def = parse_define(d);
    if (!def) {
      problem = "unreadable timeDefine " + d.dump();
      return nullptr;
    }
    defines.push_back(*def);
  }
  for (const json& a : *areas) {
    const json* area = member(a, "area");
    const json* c = area != nullptr ? member(*area, "code") : nullptr;
    if (c != nullptr && c->is_string() && c->get<std::string>() == code) return &a;
  }
  problem = "area " + code + " not in the forecast";
  return nullptr;
}

// values[i] for each timeDefine i, or nullopt when the array is missing or of another length.
const json* parallel(const json& area, const char* key, std::size_t n) {
  const json* v = array_member(area, key);
  return v != nullptr && v->size() == n ? v : nullptr;
}

struct DayAccumulator {
  std::optional<std::string> code;
  std::optional<double> pop;  // daytime maximum
  std::optional<double> tmax, tmin;
};

void max_into(std::optional<double>& slot, std::optional<double> v) {
  if (v && (!slot || *v > *slot)) slot = v;
}

Result<domain::Forecast> malformed(const std::string& why) {
  return Error::malformed("JMA forecast: " + why);
}

}  // namespace

DayKind classify_jma_code(std::string_view code, std::optional<double> pop, const JmaOptions& o) {
  if (code.size() != 3) return DayKind::kUnknown;
  for (char c : code) {
    if (c < '0' || c > '9') return DayKind::kUnknown;
  }
  switch (code[0]) {
    case '1': {
      // 100 sunny, 101 sunny/cloudy, 110-111 sunny then cloudy, 130-132 sunny with morning fog
      // or clouds: no precipitation. Every other 1xx mentions rain or snow and counts as sunny
      // only with a low daytime rain probability.
      static const std::set<std::string_view> kDry = {"100", "101", "110", "111",
                                                      "130", "131", "132"};
      if (kDry.count(code) != 0) return DayKind::kSunny;
      if (pop && *pop <= o.max_rain_probability_for_sunny_pct) return DayKind::kSunny;
      return DayKind::kCloudy;
    }
    case '2':
      return DayKind::kCloudy;
    case '3':
      return DayKind::kRainy;
    case '4':
      return DayKind::kSnowy;
    default:
      return DayKind::kUnknown;
  }
}

Result<domain::Forecast> parse_jma(std::string_view text, const JmaOptions& o) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return malformed("not JSON");
  if (!doc.is_array() || doc.size() < 2) return malformed("expected an array of 2 reports");
  std::map<Date, DayAccumulator> days;
  std::set<Date> detailed;  // dates the 3-day report names (it wins over the 7-day one)
  std::vector<Define> defines;
  std::string problem;

  // [0] 3-day detail.
  const json* ts0 = array_member(doc[0], "timeSeries");
  if (ts0 == nullptr || ts0->size() < 3) return malformed("report [0] lacks its 3 timeSeries");
  const json* area = find_area((*ts0)[0], o.area_code, defines, problem);
  if (area == nullptr) return malformed(problem);
  const json* codes = parallel(*area, "weatherCodes", defines.size());
  if (codes == nullptr) return malformed("weatherCodes do not match timeDefines");
  for (std::size_t i = 0; i < defines.size(); ++i) {
    if ((*codes)[i].is_string() && !(*codes)[i].get<std::string>().empty()) {
      days[defines[i].date].code = (*codes)[i].get<std::string>();
      detailed.insert(defines[i].date);
    }
  }
  area = find_area((*ts0)[1], o.area_code, defines, problem);
  if (area == nullptr) return malformed(problem);
  if (const json* pops = parallel(*area, "pops", defines.size())) {
    // 6-hourly probabilities; the day's charge matters for 06-18.
    for (std::size_t i = 0; i < defines.size(); ++i) {
      if (defines[i].hour >= 6 && defines[i].hour < 18) {
        max_into(days[defines[i].date].pop, number_string((*pops)[i]));
      }
    }
  } else {
    return malformed("pops do not match timeDefines");
  }
  area = find_area((*ts0)[2], o.station_code, defines, problem);
  if (area == nullptr) return malformed(problem);
  if (const json* temps = parallel(*area, "temps", defines.size())) {
    // 00:00 marks the day's minimum, 09:00 its maximum.
    for (std::size_t i = 0; i < defines.size(); ++i) {
      auto v = number_string((*temps)[i]);
      if (!v) continue;
      if (defines[i].hour == 0) days[defines[i].date].tmin = v;
      if (defines[i].hour == 9) days[defines[i].date].tmax = v;
    }
  } else {
    return malformed("temps do not match timeDefines");
  }

  // [1] 7-day outlook fills the days the detail does not cover.
  const json* ts1 = array_member(doc[1], "timeSeries");
  if (ts1 == nullptr || ts1->size() < 2) return malformed("report [1] lacks its 2 timeSeries");
  area = find_area((*ts1)[0], o.week_area_code, defines, problem);
  if (area == nullptr) return malformed(problem);
  codes = parallel(*area, "weatherCodes", defines.size());
  const json* pops = parallel(*area, "pops", defines.size());
  if (codes == nullptr) return malformed("7-day weatherCodes do not match timeDefines");
  for (std::size_t i = 0; i < defines.size(); ++i) {
    if (detailed.count(defines[i].date) != 0) continue;
    DayAccumulator& d = days[defines[i].date];
    if ((*codes)[i].is_string() && !(*codes)[i].get<std::string>().empty()) {
      d.code = (*codes)[i].get<std::string>();
    }
    if (pops != nullptr) d.pop = number_string((*pops)[i]);
  }
  area = find_area((*ts1)[1], o.station_code, defines, problem);
  if (area == nullptr) return malformed(problem);
  const json* tmin = parallel(*area, "tempsMin", defines.size());
  const json* tmax = parallel(*area, "tempsMax", defines.size());
  for (std::size_t i = 0; i < defines.size(); ++i) {
    DayAccumulator& d = days[defines[i].date];
    if (tmin != nullptr && !d.tmin) d.tmin = number_string((*tmin)[i]);
    if (tmax != nullptr && !d.tmax) d.tmax = number_string((*tmax)[i]);
  }

  domain::Forecast f;
  f.provider = "jma";
  if (const json* rd = member(doc[0], "reportDatetime"); rd != nullptr && rd->is_string()) {
    auto def = parse_define(*rd);
    const std::string s = rd->get<std::string>();
    if (def && s.size() >= 19) {
      CivilTime c{static_cast<int>(def->date.year()),
                  static_cast<int>(static_cast<unsigned>(def->date.month())),
                  static_cast<int>(static_cast<unsigned>(def->date.day())),
                  def->hour,
                  std::atoi(s.substr(14, 2).c_str()),
                  0};
      if (auto t = from_local_civil(c)) f.issued_at = *t;
    }
  }
  for (const auto& [date, acc] : days) {
    domain::DayForecast d;
    d.date = date;
    d.kind = acc.code ? classify_jma_code(*acc.code, acc.pop, o) : DayKind::kUnknown;
    d.temp_max_c = acc.tmax;
    d.temp_min_c = acc.tmin;
    d.rain_probability_pct = acc.pop;
    f.days.push_back(d);
  }
  if (f.days.empty()) return malformed("no days");
  return f;
}

}  // namespace sb::adapters
