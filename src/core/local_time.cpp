// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/core/local_time.hpp"

#include <sys/stat.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace sb {

namespace {
// system_clock counts nanoseconds in 64 bits (years 1678-2262): a year from the network or a file
// outside that would overflow in from_time_t. Nothing here needs more than this window.
bool year_in_clock_range(int year) {
  return year >= 1970 && year <= 2200;
}

// Each field within its calendar range (the day not yet checked against its month).
bool fields_in_range(const CivilTime& c) {
  return year_in_clock_range(c.year) && c.month >= 1 && c.month <= 12 && c.day >= 1 &&
         c.day <= 31 && c.hour >= 0 && c.hour <= 23 && c.minute >= 0 && c.minute <= 59 &&
         c.second >= 0 && c.second <= 59;
}
}  // namespace

bool timezone_exists(const std::string& zone) {
  if (zone.empty() || zone.find("..") != std::string::npos || zone.front() == '/') return false;
  const char* dir = std::getenv("TZDIR");
  std::string path = std::string(dir != nullptr ? dir : "/usr/share/zoneinfo") + "/" + zone;
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Status set_process_timezone(const std::string& zone) {
  // glibc silently falls back to UTC for an unknown zone, so check first.
  if (!timezone_exists(zone)) {
    return Error::invalid("unknown time zone '" + zone + "' (is package tzdata installed?)");
  }
  ::setenv("TZ", zone.c_str(), 1);
  ::tzset();
  return {};
}

CivilTime to_local_civil(WallTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::localtime_r(&secs, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
}

std::optional<WallTime> from_local_civil(const CivilTime& c) {
  if (!fields_in_range(c)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = c.year - 1900;
  tm.tm_mon = c.month - 1;
  tm.tm_mday = c.day;
  tm.tm_hour = c.hour;
  tm.tm_min = c.minute;
  tm.tm_sec = c.second;
  tm.tm_isdst = -1;
  std::time_t secs = std::mktime(&tm);
  if (secs == static_cast<std::time_t>(-1)) return std::nullopt;
  // mktime normalises Feb 30 to Mar 2: reject anything that did not survive the round trip.
  if (tm.tm_mday != c.day || tm.tm_mon != c.month - 1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(secs);
}

std::chrono::seconds local_utc_offset(WallTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::localtime_r(&secs, &tm);
  return std::chrono::seconds(tm.tm_gmtoff);
}

std::optional<std::chrono::seconds> civil_seconds(const CivilTime& c) {
  if (!fields_in_range(c)) return std::nullopt;  // also keeps std::chrono::day below 256
  const std::chrono::year_month_day date{std::chrono::year{c.year},
                                         std::chrono::month{static_cast<unsigned>(c.month)},
                                         std::chrono::day{static_cast<unsigned>(c.day)}};
  if (!date.ok()) return std::nullopt;  // Feb 30, month 13, day 0
  const auto midnight = std::chrono::sys_days{date}.time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(midnight) + std::chrono::hours(c.hour) +
         std::chrono::minutes(c.minute) + std::chrono::seconds(c.second);
}

std::string format_iso8601_utc(WallTime t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  long frac = static_cast<long>(ms % 1000);
  if (frac < 0) {
    frac += 1000;
    secs -= 1;
  }
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

std::string format_local(WallTime t) {
  CivilTime c = to_local_civil(t);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return buf;
}

std::optional<WallTime> parse_iso8601_utc(std::string_view text) {
  int y, mo, d, h, mi, s;
  char tail[16] = {};
  std::string copy(text.substr(0, 40));
  int n = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%15s", &y, &mo, &d, &h, &mi, &s, tail);
  if (n < 7) return std::nullopt;
  if (!year_in_clock_range(y)) return std::nullopt;
  long ms = 0;
  std::string_view rest(tail);
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    int digits = 0;
    while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest.front()))) {
      if (digits < 3) ms = ms * 10 + (rest.front() - '0');
      ++digits;
      rest.remove_prefix(1);
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 3; ++digits)
      ms *= 10;
  }
  if (rest != "Z") return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  std::time_t secs = ::timegm(&tm);
  if (tm.tm_mday != d || tm.tm_mon != mo - 1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(secs) + std::chrono::milliseconds(ms);
}

std::string format_time_of_day(std::chrono::minutes minute_of_day) {
  const auto m = static_cast<int>(((minute_of_day.count() % 1440) + 1440) % 1440);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", m / 60, m % 60);
  return buf;
}

std::optional<std::chrono::minutes> parse_time_of_day(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int h = (text[0] - '0') * 10 + (text[1] - '0');
  const int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return std::chrono::minutes(h * 60 + m);
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  long long total = 0;
  while (!text.empty()) {
    long long n = 0;
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
      n = n * 10 + (text[digits] - '0');
      if (n > 100'000'000) return std::nullopt;
      ++digits;
    }
    if (digits == 0 || digits == text.size()) return std::nullopt;
    char unit = text[digits];
    text.remove_prefix(digits + 1);
    switch (unit) {
      case 's':
        total += n;
        break;
      case 'm':
        total += n * 60;
        break;
      case 'h':
        total += n * 3600;
        break;
      case 'd':
        total += n * 86400;
        break;
      case 'w':
        total += n * 7 * 86400;
        break;
      default:
        return std::nullopt;
    }
  }
  return std::chrono::seconds(total);
}

namespace {

// A date or local date-time or ISO UTC time; nothing for anything else (durations included).
std::optional<WallTime> parse_point_in_time(std::string_view text) {
  if (auto t = parse_iso8601_utc(text)) return *t;
  const std::string s(text);
  const int size = static_cast<int>(s.size());
  // Each form must take the whole text (%n: how much a match consumed).
  CivilTime c{};
  char sep = 0;
  int used = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &c.year, &c.month, &c.day, &sep, &c.hour,
                  &c.minute, &c.second, &used) == 7 &&
      used == size && (sep == ' ' || sep == 'T')) {
    return from_local_civil(c);
  }
  c = CivilTime{};
  used = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d%n", &c.year, &c.month, &c.day, &sep, &c.hour,
                  &c.minute, &used) == 6 &&
      used == size && (sep == ' ' || sep == 'T')) {
    return from_local_civil(c);
  }
  c = CivilTime{};
  used = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &c.year, &c.month, &c.day, &used) == 3 &&
      used == size && size == 10) {
    return from_local_civil(c);
  }
  return std::nullopt;
}

}  // namespace

std::optional<WallTime> parse_since(std::string_view text, WallTime now) {
  if (auto d = parse_duration(text)) return now - *d;
  return parse_point_in_time(text);
}

std::optional<WallTime> parse_until(std::string_view text, WallTime now) {
  if (auto d = parse_duration(text)) return now + *d;
  return parse_point_in_time(text);
}

}  // namespace sb
