// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/tariff.hpp"

#include <cstdio>

#include "sunbridge/core/local_time.hpp"

namespace sb::domain {

using nlohmann::json;
using schema::Schema;

namespace {

std::optional<std::string> check_month(const json& v) {
  const std::string s = v.get<std::string>();
  int y = 0, m = 0;
  char tail = 0;
  if (s.size() != 7 || std::sscanf(s.c_str(), "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12) {
    return "'" + s + "' is not a month YYYY-MM";
  }
  return std::nullopt;
}

std::optional<std::string> check_time(const json& v) {
  const std::string s = v.get<std::string>();
  if (s == "24:00" || parse_time_of_day(s)) return std::nullopt;
  return "'" + s + "' is not a time of day HH:MM (24:00 for the end of the day)";
}

int minutes_of(const std::string& hhmm) {
  if (hhmm == "24:00") return 24 * 60;
  return static_cast<int>(parse_time_of_day(hhmm)->count());
}

std::optional<std::string> check_date(std::string_view key) {
  if (parse_date(key)) return std::nullopt;
  return "'" + std::string(key) + "' is not a date YYYY-MM-DD";
}

}  // namespace

std::string month_key(int year, int month) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

Schema holiday_calendar_schema() {
  return Schema::object({
      schema::required("schema", Schema::choice({"sunbridge.holidays/1"})),
      schema::optional("source", Schema::string(0, 1000).with_default("")),
      schema::required("first", Schema::string(10, 10)),
      schema::required("last", Schema::string(10, 10)),
      schema::required("holidays", Schema::map_of(Schema::string(1, 80))),
  });
}

std::optional<HolidayCalendar> HolidayCalendar::from_json(std::string_view text,
                                                          schema::Issues& issues) {
  const std::size_t before = issues.size();
  auto doc = schema::parse_strict(text, issues);
  if (!doc) return std::nullopt;
  auto found = schema::validate(holiday_calendar_schema(), *doc);
  issues.insert(issues.end(), found.begin(), found.end());
  if (issues.size() != before) return std::nullopt;
  HolidayCalendar c;
  auto first = parse_date((*doc)["first"].get<std::string>());
  auto last = parse_date((*doc)["last"].get<std::string>());
  if (!first) issues.push_back({"first", "not a date YYYY-MM-DD"});
  if (!last) issues.push_back({"last", "not a date YYYY-MM-DD"});
  for (const auto& [key, name] : (*doc)["holidays"].items()) {
    if (auto problem = check_date(key)) {
      issues.push_back({"holidays." + key, *problem});
      continue;
    }
    const Date d = *parse_date(key);
    if (first && last && (d < *first || d > *last)) {
      issues.push_back({"holidays." + key, "outside first..last"});
    }
    c.holidays_[d] = name.get<std::string>();
  }
  if (issues.size() != before) return std::nullopt;
  c.first_ = *first;
  c.last_ = *last;
  return c;
}

DayType HolidayCalendar::day_type(Date date) const {
  const std::chrono::weekday wd{std::chrono::sys_days(date)};
  if (wd == std::chrono::Saturday || wd == std::chrono::Sunday) return DayType::kHoliday;
  return is_public_holiday(date) ? DayType::kHoliday : DayType::kWeekday;
}

bool TariffBand::matches(int month, DayType day_type, int minute_of_day) const {
  if (months.count(month) == 0) return false;
  if (day && *day != day_type) return false;
  if (from_min < to_min) return minute_of_day >= from_min && minute_of_day < to_min;
  return minute_of_day >= from_min || minute_of_day < to_min;  // wraps midnight
}

double BillEstimate::total_yen() const {
  double sum = basic_yen + surcharge_yen + adjustment_yen;
  for (const auto& [_, yen] : energy_yen)
    sum += yen;
  return sum;
}

Schema tariff_schema() {
  Schema band = Schema::object({
      schema::required("name", Schema::string(1, 40)),
      schema::required("yen_per_kwh", Schema::number(0, 1000)),
      schema::required("months", Schema::array_of(Schema::integer(1, 12), 1, 12)),
      schema::optional("days", Schema::choice({"any", "weekday", "holiday"}).with_default("any")),
      schema::required("from", Schema::string(5, 5).with_check(check_time)),
      schema::required("to", Schema::string(5, 5).with_check(check_time)),
  });
  Schema surcharge = Schema::object({
      schema::required("name", Schema::string(1, 80)),
      schema::required("yen_per_kwh", Schema::number(-100, 100)),
      schema::optional("from", Schema::string(7, 7).with_check(check_month)),
      schema::optional("to", Schema::string(7, 7).with_check(check_month)),
  });
  Schema adjustment = Schema::object({
      schema::required("name", Schema::string(1, 80)),
      schema::optional("source", Schema::string(0, 1000)),
      schema::required("yen_per_kwh",
                       Schema::map_of(Schema::number(-100, 100)).with_check([](const json& m) {
                         for (const auto& [key, _] : m.items()) {
                           if (auto problem = check_month(json(key))) return problem;
                         }
                         return std::optional<std::string>();
                       })),
  });
  return Schema::object({
      schema::required("schema", Schema::choice({"sunbridge.tariff/1"})),
      schema::required("name", Schema::string(1, 60)),
      schema::optional("description", Schema::string(0, 1000).with_default("")),
      schema::optional("source", Schema::string(0, 2000).with_default("")),
      schema::required("basic_yen_per_month", Schema::number(0, 100000)),
      schema::required("bands", Schema::array_of(band, 1, 50)),
      schema::optional("surcharges",
                       Schema::array_of(surcharge, 0, 50).with_default(json::array())),
      schema::optional("adjustments",
                       Schema::array_of(adjustment, 0, 10).with_default(json::array())),
  });
}

std::optional<Tariff> Tariff::from_json(std::string_view text, schema::Issues& issues) {
  const std::size_t before = issues.size();
  auto doc = schema::parse_strict(text, issues);
  if (!doc) return std::nullopt;
  auto found = schema::validate(tariff_schema(), *doc);
  issues.insert(issues.end(), found.begin(), found.end());
  if (issues.size() != before) return std::nullopt;
  Tariff t;
  t.name_ = (*doc)["name"].get<std::string>();
  t.description_ = (*doc)["description"].get<std::string>();
  t.basic_yen_ = (*doc)["basic_yen_per_month"].get<double>();
  const json& bands = (*doc)["bands"];
  for (std::size_t i = 0; i < bands.size(); ++i) {
    const json& j = bands[i];
    TariffBand b;
    b.name = j["name"].get<std::string>();
    b.yen_per_kwh = j["yen_per_kwh"].get<double>();
    for (int m : j["months"].get<std::vector<int>>())
      b.months.insert(m);
    const std::string days = j["days"].get<std::string>();
    if (days != "any") b.day = days == "weekday" ? DayType::kWeekday : DayType::kHoliday;
    b.from_min = minutes_of(j["from"].get<std::string>());
    b.to_min = minutes_of(j["to"].get<std::string>());
    if (b.from_min == b.to_min || b.from_min == 24 * 60) {
      issues.push_back({"bands[" + std::to_string(i) + "]",
                        "from and to must differ (00:00 to "
                        "24:00 for the whole day)"});
    }
    t.bands_.push_back(std::move(b));
  }
  if (issues.size() != before) return std::nullopt;
  // Every minute of every month and day type has a band: checked at each band edge (between
  // edges nothing changes).
  std::set<int> edges = {0};
  for (const auto& b : t.bands_) {
    edges.insert(b.from_min % (24 * 60));
    edges.insert(b.to_min % (24 * 60));
  }
  for (int month = 1; month <= 12; ++month) {
    for (DayType day : {DayType::kWeekday, DayType::kHoliday}) {
      for (int edge : edges) {
        bool covered = false;
        for (const auto& b : t.bands_)
          covered = covered || b.matches(month, day, edge);
        if (!covered) {
          issues.push_back({"bands", "no band covers " +
                                         format_time_of_day(std::chrono::minutes(edge)) + " on " +
                                         (day == DayType::kWeekday ? "weekdays" : "holidays") +
                                         " in month " + std::to_string(month)});
        }
      }
    }
  }
  for (const auto& j : (*doc)["surcharges"]) {
    t.surcharges_.push_back({j["name"].get<std::string>(), j["yen_per_kwh"].get<double>(),
                             j.value("from", ""), j.value("to", "")});
  }
  for (const auto& j : (*doc)["adjustments"]) {
    MonthlyAdjustment a;
    a.name = j["name"].get<std::string>();
    for (const auto& [month, v] : j["yen_per_kwh"].items())
      a.yen_per_kwh[month] = v.get<double>();
    t.adjustments_.push_back(std::move(a));
  }
  if (issues.size() != before) return std::nullopt;
  return t;
}

const TariffBand& Tariff::band_at(const CivilTime& local, DayType day) const {
  const int minute = local.hour * 60 + local.minute;
  for (const auto& b : bands_) {
    if (b.matches(local.month, day, minute)) return b;
  }
  return bands_.back();  // unreachable: from_json checked the coverage
}

const std::string& Tariff::night_band() const {
  return band_at(CivilTime{2026, 1, 15, 3, 0, 0}, DayType::kWeekday).name;
}

double Tariff::surcharge_per_kwh(const std::string& month,
                                 std::vector<std::string>* unknown) const {
  double sum = 0;
  std::map<std::string, bool> known;  // per surcharge name: whether a period covers the month
  for (const auto& s : surcharges_) {
    const bool covers = (s.from.empty() || month >= s.from) && (s.to.empty() || month <= s.to);
    if (covers) sum += s.yen_per_kwh;
    known[s.name] = known[s.name] || covers;
  }
  for (const auto& [name, covered] : known) {
    if (!covered && unknown != nullptr) unknown->push_back(name);
  }
  return sum;
}

double Tariff::adjustment_per_kwh(const std::string& month,
                                  std::vector<std::string>* unknown) const {
  double sum = 0;
  for (const auto& a : adjustments_) {
    auto it = a.yen_per_kwh.find(month);
    if (it != a.yen_per_kwh.end()) {
      sum += it->second;
    } else if (unknown != nullptr) {
      unknown->push_back(a.name);
    }
  }
  return sum;
}

double Tariff::price_at(const CivilTime& local, DayType day) const {
  const std::string month = month_key(local.year, local.month);
  return band_at(local, day).yen_per_kwh + surcharge_per_kwh(month) + adjustment_per_kwh(month);
}

std::optional<double> Tariff::rate(const std::string& band, int month) const {
  const TariffBand* found = nullptr;
  for (const auto& b : bands_) {
    if (b.name != band) continue;
    if (b.months.count(month) != 0) return b.yen_per_kwh;
    if (found == nullptr) found = &b;
  }
  return found != nullptr ? std::optional<double>(found->yen_per_kwh) : std::nullopt;
}

BillEstimate Tariff::bill(int year, int month,
                          const std::map<std::string, double>& kwh_by_band) const {
  BillEstimate e;
  const std::string key = month_key(year, month);
  double kwh = 0;
  for (const auto& [band, amount] : kwh_by_band) {
    const auto yen_per_kwh = rate(band, month);
    if (!yen_per_kwh) e.unknown.push_back("band " + band);
    e.energy_yen[band] += amount * yen_per_kwh.value_or(0.0);
    kwh += amount;
  }
  e.basic_yen = basic_yen_;
  e.surcharge_yen = kwh * surcharge_per_kwh(key, &e.unknown);
  e.adjustment_yen = kwh * adjustment_per_kwh(key, &e.unknown);
  return e;
}

}  // namespace sb::domain
