// SPDX-License-Identifier: Apache-2.0
#include "bench/history.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/protocol/register_map.hpp"
#include "testkit/process.hpp"

namespace sb::bench {

namespace {

using std::chrono::seconds;

constexpr std::int64_t kPollS = 10;
constexpr std::int64_t kSampleS = 60;
constexpr std::int64_t kPackSampleS = 300;
constexpr std::int64_t kSettingsS = 300;
constexpr std::int64_t kDayS = 86'400;

// Bytes this process has passed to write(2) so far (/proc/self/io "wchar"): the WAL, its
// checkpoints into the database file, and nothing else of note in this benchmark.
std::uint64_t bytes_written() {
  std::ifstream io("/proc/self/io");
  std::string key;
  std::uint64_t value = 0;
  while (io >> key >> value)
    if (key == "wchar:") return value;
  return 0;
}

// Bytes of each table's pages (the dbstat virtual table of Debian's SQLite).
std::map<std::string, std::uint64_t> table_bytes(adapters::SqliteDb& db) {
  std::map<std::string, std::uint64_t> out;
  auto st = db.prepare("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name");
  if (!st) return out;
  for (;;) {
    auto row = st->step();
    if (!row || !*row) break;
    out[st->column_text(0)] = static_cast<std::uint64_t>(st->column_int(1));
  }
  return out;
}

struct SimPoint {
  std::string name;
  std::string unit;
  int decimals;
  double value;
  double step;  // random-walk step
  bool counter;
};

// The daemon's numeric points: the map's live values, the settings (recorded with each
// settings poll, never summarised), the bank and four packs of 16 cells and 4 sensors.
struct PointSet {
  std::vector<SimPoint> live, settings, bank, packs;
};

PointSet daemon_points() {
  PointSet set;
  const auto map = protocol::RegisterMap::embedded();
  for (const auto& row : map.rows()) {
    if (row.type != protocol::RegType::kU16 && row.type != protocol::RegType::kS16 &&
        row.type != protocol::RegType::kU32) {
      continue;  // texts, times and fault lists are recorded only when they change
    }
    const int d = row.scale >= 1 ? 0 : static_cast<int>(std::lround(-std::log10(row.scale)));
    const bool counter = row.unit == "kWh" || row.unit == "Ah";
    SimPoint p{row.name, row.unit, d, 100.0, counter ? 0.01 : 1.0, counter};
    if (row.group == protocol::Group::kLive) set.live.push_back(p);
    if (row.group == protocol::Group::kSettings) set.settings.push_back(p);
  }
  for (const auto& d : map.derived())
    set.live.push_back({d.name, "W", 0, 500, 50, false});
  // What the domain computes: power flows, energy lifetimes, the tariff price, check values.
  for (const char* n : {"energy.pv.lifetime", "energy.load.lifetime", "energy.grid.import.lifetime",
                        "energy.grid.export.lifetime", "energy.battery.charge.lifetime",
                        "energy.battery.discharge.lifetime"}) {
    set.live.push_back({n, "kWh", 3, 1000, 0.01, true});
  }
  for (const char* n : {"tariff.price", "grid.l1l2.voltage", "check.value.a", "check.value.b"})
    set.live.push_back({n, "", 2, 30, 0.1, false});
  for (const char* n : {"bank.soc", "bank.current", "bank.voltage", "bank.power", "bank.remaining",
                        "bank.full", "bank.cell.min", "bank.cell.max", "bank.cell.spread",
                        "bank.temp.min", "bank.temp.max", "bank.packs_online"}) {
    set.bank.push_back({n, "", 1, 50, 0.5, false});
  }
  for (int pack = 1; pack <= 4; ++pack) {
    const std::string p = "pack." + std::to_string(pack) + ".";
    for (int c = 1; c <= 16; ++c)
      set.packs.push_back({p + "cell." + std::to_string(c), "mV", 0, 3300, 2, false});
    for (int t = 1; t <= 4; ++t)
      set.packs.push_back({p + "temp." + std::to_string(t), "C", 1, 25, 0.1, false});
    for (const char* f : {"soc", "voltage", "current", "remaining", "full", "cycles", "soh"})
      set.packs.push_back({p + f, "", 2, 50, 0.2, false});
  }
  return set;
}

std::vector<Point> step(std::vector<SimPoint>& points, WallTime t, std::mt19937& rng) {
  std::normal_distribution<double> noise(0, 1);
  std::vector<Point> out;
  out.reserve(points.size());
  for (auto& p : points) {
    if (p.counter) {
      p.value += std::fabs(noise(rng)) * p.step;
    } else {
      p.value += noise(rng) * p.step;
    }
    const double shown = std::round(p.value * std::pow(10, p.decimals)) / std::pow(10, p.decimals);
    out.push_back(Point{p.name, shown, p.unit, Quality::kOk, t, "", p.decimals});
  }
  return out;
}

struct Run {
  std::vector<std::uint64_t> written_by_day;        // bytes written by the end of each day
  std::map<std::string, double> mean_bucket_bytes;  // by tier table
  std::uint64_t written = 0;
  std::map<std::string, std::uint64_t> tables;
  std::uint64_t file_bytes = 0;
  double cpu_s = 0;
};

// Simulates `days` days from `start` into the store at `path`.
Run simulate(const std::string& path, WallTime start, int days, std::int64_t commit_s,
             std::int64_t prune_s, std::uint32_t seed) {
  PointSet set = daemon_points();
  std::mt19937 rng(seed);
  adapters::HistoryStore h(path, [](std::int64_t ts) {
    // Japan's local days (UTC+9, no daylight saving), whatever the machine's zone.
    const std::int64_t offset = 9 * 3'600'000;
    const std::int64_t day = 86'400'000;
    std::int64_t q = (ts + offset) / day;
    if ((ts + offset) % day < 0) --q;
    return q * day - offset;
  });
  const adapters::HistoryRetention retention;
  Run run;
  const std::uint64_t written_before = bytes_written();
  const std::clock_t cpu_before = std::clock();
  const std::int64_t total_s = static_cast<std::int64_t>(days) * kDayS;
  for (std::int64_t s = 0; s < total_s; s += kPollS) {
    const WallTime t = start + seconds(s);
    auto live = step(set.live, t, rng);
    auto bank = step(set.bank, t, rng);
    auto packs = step(set.packs, t, rng);
    h.rollup(live, t);
    h.rollup(bank, t);
    h.rollup(packs, t);
    if (s % kSampleS == 0) {
      h.record(live, t);
      h.record(bank, t);
    }
    if (s % kPackSampleS == 0) h.record(packs, t);
    if (s % kSettingsS == 0) h.record(step(set.settings, t, rng), t);
    if (s % commit_s == 0) (void)h.flush();
    if (s % prune_s == 0) (void)h.prune(retention, t);
    if ((s + kPollS) % kDayS == 0) run.written_by_day.push_back(bytes_written() - written_before);
  }
  (void)h.flush();
  run.cpu_s = static_cast<double>(std::clock() - cpu_before) / CLOCKS_PER_SEC;
  run.written = bytes_written() - written_before;
  run.tables = table_bytes(h.db());
  for (const char* t : {"rollup_1m", "rollup_15m", "rollup_1d"}) {
    auto st = h.db().prepare(std::string("SELECT AVG(LENGTH(data)) FROM ") + t);
    if (st && *st->step() && !st->column_is_null(0))
      run.mean_bucket_bytes[t] = st->column_double(0);
  }
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path + suffix, ec);
    if (!ec) run.file_bytes += n;
  }
  return run;
}

double mb(double bytes) {
  return bytes / 1e6;
}

}  // namespace

int run_history(const HistoryOptions& options) {
  testkit::TempDir dir("sunbridge-bench");
  // 2026-01-01 00:00 JST.
  const WallTime start{std::chrono::seconds(1'767'193'200)};
  const Run days =
      simulate(dir.file("days.db"), start, options.days, options.commit_s, options.prune_s, 1);
  const double n = options.days;
  auto table = [](const Run& r, const char* name) {
    auto it = r.tables.find(name);
    return it == r.tables.end() ? 0.0 : static_cast<double>(it->second);
  };
  const double raw_day = table(days, "samples") / n;
  const double minute_day = table(days, "rollup_1m") / n;
  const double quarter_day = table(days, "rollup_15m") / n;
  const double daily_day = table(days, "rollup_1d") / n;
  const double written_day = static_cast<double>(days.written) / n;
  const double quarter_3y = quarter_day * 365.25 * 3;

  Run year;
  if (options.year_days > 0)
    year = simulate(dir.file("year.db"), start, options.year_days, options.commit_s,
                    options.prune_s, 2);

  // Written per day once every tier is pruning (raw after 7 days, minutes after 90): deleting
  // rewrites pages too.
  const int steady_from = options.year_days > 100 ? 100 : options.year_days > 8 ? 8 : 0;
  double steady_per_day = 0;
  if (options.year_days > 0 &&
      year.written_by_day.size() == static_cast<std::size_t>(options.year_days)) {
    const std::uint64_t before = steady_from > 0 ? year.written_by_day[steady_from - 1] : 0;
    steady_per_day = static_cast<double>(year.written_by_day.back() - before) /
                     (options.year_days - steady_from);
  }
  if (options.json) {
    nlohmann::json j = {
        {"days", options.days},
        {"commit_s", options.commit_s},
        {"bytes_per_day",
         {{"raw", raw_day}, {"1m", minute_day}, {"15m", quarter_day}, {"1d", daily_day}}},
        {"written_per_day", written_day},
        {"quarter_tier_3y_bytes", quarter_3y},
        {"cpu_s_per_day", days.cpu_s / n}};
    if (options.year_days > 0) {
      j["year"] = {{"days", options.year_days},
                   {"file_bytes", year.file_bytes},
                   {"tables", year.tables},
                   {"written_bytes", year.written},
                   {"written_per_day_from_day", steady_from + 1},
                   {"written_per_day_steady", steady_per_day},
                   {"cpu_s", year.cpu_s}};
    }
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  const PointSet set = daemon_points();
  std::printf(
      "history: %zu live, %zu bank, %zu pack, %zu settings points; polls every %llds, "
      "samples every %llds (packs %llds), commits every %llds\n",
      set.live.size(), set.bank.size(), set.packs.size(), set.settings.size(),
      static_cast<long long>(kPollS), static_cast<long long>(kSampleS),
      static_cast<long long>(kPackSampleS), static_cast<long long>(options.commit_s));
  std::printf("per day (%d simulated):\n", options.days);
  std::printf("  raw samples      %7.2f MB stored\n", mb(raw_day));
  std::printf(
      "  1-minute tier    %7.2f MB stored (buckets of %.0f bytes)\n", mb(minute_day),
      days.mean_bucket_bytes.count("rollup_1m") ? days.mean_bucket_bytes.at("rollup_1m") : 0.0);
  std::printf("  15-minute tier   %7.3f MB stored  -> %.0f MB for three years (target <= 300)\n",
              mb(quarter_day), mb(quarter_3y));
  std::printf("  daily tier       %7.3f MB stored\n", mb(daily_day));
  std::printf("  written to disk  %7.2f MB (WAL and checkpoints; target <= 20)\n", mb(written_day));
  std::printf("  CPU              %7.2f s per simulated day\n", days.cpu_s / n);
  if (options.year_days > 0) {
    std::printf("after %d simulated days: database %.1f MB\n", options.year_days,
                mb(static_cast<double>(year.file_bytes)));
    for (const char* name : {"samples", "rollup_1m", "rollup_15m", "rollup_1d", "point_names"}) {
      std::printf("  %-12s %8.1f MB\n", name, mb(table(year, name)));
    }
    std::printf("  written      %8.1f MB in all, %.2f MB a day from day %d on (pruning)\n",
                mb(static_cast<double>(year.written)), mb(steady_per_day), steady_from + 1);
  }
  return 0;
}

}  // namespace sb::bench
