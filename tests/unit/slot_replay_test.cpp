// SPDX-License-Identifier: Apache-2.0
// Replays the owner's real polls (tests/fixtures/field: 1,147 polls, May 2025) through the
// slot-effectiveness check, and checks its numbers against a computation written separately
// here, on the CSV's own local-time strings (no time-zone code shared with the product).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "sunbridge/domain/checks/slot_effectiveness.hpp"

using namespace sb;
using namespace sb::domain::checks;

namespace {

struct Row {
  std::string date;  // "2025-05-19"
  int minute = 0;    // local minutes after midnight
  std::optional<double> soc, volts, amps_charging;
  long epoch_s = 0;  // seconds since the first row's midnight (for the independent integral)
};

std::optional<double> field(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return std::stod(s);
}

std::vector<Row> read_field_csv() {
  std::ifstream in(std::string(SUNBRIDGE_SOURCE_DIR) +
                   "/tests/fixtures/field/spi10k_battery_2025-05.csv");
  REQUIRE(in);
  std::vector<Row> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // the file has CRLF endings
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');)
      cells.push_back(c);
    while (cells.size() < 4)
      cells.emplace_back();
    Row r;
    r.date = cells[0].substr(0, 10);
    int h = 0, m = 0, s = 0, y = 0, mo = 0, d = 0;
    REQUIRE(std::sscanf(cells[0].c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &m, &s) == 6);
    r.minute = h * 60 + m;
    r.epoch_s = ((d - 18) * 24L + h) * 3600 + m * 60 + s;  // all rows are in May 2025
    if (mo == 6) r.epoch_s += 31L * 24 * 3600;
    r.soc = field(cells[1]);
    if (auto raw = field(cells[2])) r.volts = *raw / 10.0;
    if (auto raw = field(cells[3])) {
      // The register is a signed 16-bit word, 0.1 A, positive while discharging.
      const auto word = static_cast<std::uint16_t>(*raw);
      r.amps_charging = -static_cast<std::int16_t>(word) / 10.0;
    }
    rows.push_back(r);
  }
  return rows;
}

std::string day_before(const std::string& date) {
  int y = 0, m = 0, d = 0;
  std::sscanf(date.c_str(), "%d-%d-%d", &y, &m, &d);
  const auto prev = std::chrono::sys_days(std::chrono::year_month_day{
                        std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)}) -
                    std::chrono::days(1);
  const std::chrono::year_month_day ymd{prev};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

struct Expected {
  int samples = 0;
  std::optional<double> first_soc, last_soc;
  double ah = 0;
  const Row* prev = nullptr;
};

// The same question answered from the CSV strings directly.
std::map<std::string, Expected> expected_for(const std::vector<Row>& rows, int start, int end) {
  std::map<std::string, Expected> out;
  for (const Row& r : rows) {
    const bool crosses = end < start;
    const bool in =
        crosses ? (r.minute >= start || r.minute < end) : (r.minute >= start && r.minute < end);
    if (!in) continue;
    const std::string night = crosses && r.minute >= start ? r.date : day_before(r.date);
    Expected& e = out[night];
    ++e.samples;
    if (r.soc) {
      if (!e.first_soc) e.first_soc = r.soc;
      e.last_soc = r.soc;
    }
    if (e.prev != nullptr && e.prev->amps_charging && r.amps_charging &&
        r.epoch_s - e.prev->epoch_s <= 30 * 60) {
      const double hours = (r.epoch_s - e.prev->epoch_s) / 3600.0;
      e.ah += (std::max(0.0, *e.prev->amps_charging) + std::max(0.0, *r.amps_charging)) / 2 * hours;
    }
    if (r.amps_charging) e.prev = &r;
  }
  return out;
}

}  // namespace

TEST_CASE("field replay: slot 1 delivers no charge on any night, slot 2 does",
          "[unit][checks][replay]") {
  REQUIRE(set_process_timezone("Asia/Tokyo"));
  const auto rows = read_field_csv();
  REQUIRE(rows.size() == 1147);
  std::vector<BatterySample> samples;
  for (const Row& r : rows) {
    int y = 0, m = 0, d = 0, h = 0, mi = 0, s = 0;
    (void)y;
    std::sscanf(r.date.c_str(), "%d-%d-%d", &y, &m, &d);
    h = r.minute / 60;
    mi = r.minute % 60;
    s = static_cast<int>(r.epoch_s % 60);
    auto t = from_local_civil({y, m, d, h, mi, s});
    REQUIRE(t);
    samples.push_back({*t, r.soc, r.volts, r.amps_charging});
  }
  const SlotWindow slot1{"slot 1 (40-41)", 23 * 60 + 55, 3 * 60};
  const SlotWindow slot2{"slot 2 (42-43)", 4 * 60 + 30, 6 * 60 + 55};
  const auto nights = slot_effectiveness(samples, {slot1, slot2});

  for (const auto& [window, start, end] : {std::tuple{slot1, slot1.start_min, slot1.end_min},
                                           std::tuple{slot2, slot2.start_min, slot2.end_min}}) {
    const auto expected = expected_for(rows, start, end);
    int seen = 0;
    for (const SlotNight& n : nights) {
      if (n.slot != window.name) continue;
      ++seen;
      INFO(n.slot << " night " << n.night);
      REQUIRE(expected.count(n.night) == 1);
      const Expected& e = expected.at(n.night);
      CHECK(n.samples == e.samples);
      CHECK(n.soc_gain_pct == Approx(e.last_soc.value_or(0) - e.first_soc.value_or(0)));
      CHECK(n.charge_ah == Approx(e.ah).margin(1e-6));
      CHECK(n.delivered == (e.ah >= 1.0));
    }
    CHECK(seen == static_cast<int>(expected.size()));
  }

  int slot1_nights = 0, slot1_charged = 0, slot2_nights = 0, slot2_charged = 0;
  for (const SlotNight& n : nights) {
    if (n.slot == slot1.name) {
      ++slot1_nights;
      slot1_charged += n.delivered ? 1 : 0;
    } else {
      ++slot2_nights;
      slot2_charged += n.delivered ? 1 : 0;
    }
  }
  CHECK(slot1_nights >= 10);
  CHECK(slot1_charged == 0);  // the field observation: nothing inside 23:55-03:00
  CHECK(slot2_charged >= slot2_nights / 2);
  CHECK(slot2_charged > 0);

  auto warning = slot_warning(nights, slot1.name, 3, samples.back().ts);
  REQUIRE(warning);
  CHECK(warning->kind == "check.slot_ineffective");
  CHECK(warning->message == "slot 1 (40-41) delivered no charge on " +
                                std::to_string(slot1_nights) + " of the last " +
                                std::to_string(slot1_nights) + " nights");
  CHECK_FALSE(slot_warning(nights, slot2.name, slot2_nights, samples.back().ts));
}
