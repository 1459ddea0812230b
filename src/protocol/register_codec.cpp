// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/protocol/register_codec.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace sb::protocol {

namespace {

// Decimal places implied by a scale (0.1 -> 1, 0.01 -> 2), used to round away binary noise.
// Powers of ten by table: pow() per value per poll showed in the poll's profile.
constexpr double kPow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};

int decimals_of(double step) {
  int d = 0;
  while (d < 6 && std::fabs(step * kPow10[d] - std::round(step * kPow10[d])) > 1e-9)
    ++d;
  return d;
}

double round_to(double v, int decimals) {
  const double p = kPow10[std::clamp(decimals, 0, 6)];
  double r = std::round(v * p) / p;
  return r == 0.0 ? 0.0 : r;  // no negative zero
}

// The step between adjacent raw values, in the row's unit.
Result<double> step_of(const RegisterRow& row, const DecodeContext& ctx) {
  if (row.scaling == Scaling::kBattery12V) {
    if (!ctx.battery_voltage_factor) {
      return Error::invalid("battery rated voltage (E003) unknown: cannot scale " + row.name);
    }
    return row.scale * *ctx.battery_voltage_factor;
  }
  return row.scale;
}

bool is_number(const RegisterRow& row) {
  return row.type == RegType::kU16 || row.type == RegType::kS16 || row.type == RegType::kU32;
}

const std::map<int, std::string>* enum_table(const RegisterRow& row, const DecodeContext& ctx) {
  if (!row.enum_variants.empty()) {
    auto it = row.enum_variants.find(ctx.enum_variant);
    return it == row.enum_variants.end() ? nullptr : &it->second;
  }
  return &row.enum_values;
}

}  // namespace

std::optional<double> battery_voltage_factor(VoltageScale scale,
                                             std::optional<std::uint16_t> rated_voltage_raw) {
  if (scale == VoltageScale::kReal) return 1.0;
  if (!rated_voltage_raw) return std::nullopt;
  switch (*rated_voltage_raw) {
    case 12:
    case 24:
    case 36:
    case 48:
      return *rated_voltage_raw / 12.0;
    default:
      return std::nullopt;
  }
}

Result<std::string> decode_hhmm(std::uint16_t raw) {
  int hour = raw >> 8;
  int minute = raw & 0xFF;
  if (hour > 23 || minute > 59) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "slot time 0x%04X is not hour*256+minute", raw);
    return Error::malformed(buf);
  }
  // By hand: six slot times per settings poll, snprintf showed in its profile.
  const char text[] = {static_cast<char>('0' + hour / 10), static_cast<char>('0' + hour % 10), ':',
                       static_cast<char>('0' + minute / 10), static_cast<char>('0' + minute % 10)};
  return std::string(text, sizeof text);
}

Result<std::uint16_t> encode_hhmm(std::string_view text) {
  // "03:30" or "3:30": one or two hour digits, always two minute digits.
  int hour = -1, minute = -1;
  const auto colon = text.find(':');
  if ((colon == 1 || colon == 2) && text.size() == colon + 3) {
    auto h = std::from_chars(text.data(), text.data() + colon, hour);
    auto m = std::from_chars(text.data() + colon + 1, text.data() + text.size(), minute);
    if (h.ptr != text.data() + colon || m.ptr != text.data() + text.size()) hour = -1;
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    return Error::invalid("'" + std::string(text) + "' is not a time H:MM or HH:MM");
  }
  return static_cast<std::uint16_t>(hour * 256 + minute);
}

Result<CivilTime> decode_clock(std::span<const std::uint16_t> words) {
  if (words.size() != 3) return Error::malformed("clock needs 3 registers");
  CivilTime t;
  t.year = 2000 + (words[0] >> 8);
  t.month = words[0] & 0xFF;
  t.day = words[1] >> 8;
  t.hour = words[1] & 0xFF;
  t.minute = words[2] >> 8;
  t.second = words[2] & 0xFF;
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour > 23 || t.minute > 59 ||
      t.second > 59) {
    return Error::malformed("clock registers do not hold a valid date and time");
  }
  return t;
}

Result<std::vector<std::uint16_t>> encode_clock(const CivilTime& t) {
  if (t.year < 2000 || t.year > 2255 || t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 ||
      t.hour < 0 || t.hour > 23 || t.minute < 0 || t.minute > 59 || t.second < 0 || t.second > 59) {
    return Error::invalid("clock value out of range");
  }
  return std::vector<std::uint16_t>{static_cast<std::uint16_t>(((t.year - 2000) << 8) | t.month),
                                    static_cast<std::uint16_t>((t.day << 8) | t.hour),
                                    static_cast<std::uint16_t>((t.minute << 8) | t.second)};
}

NumberScale number_scale(const RegisterRow& row, const DecodeContext& ctx) {
  if (!is_number(row)) return {};
  auto step = step_of(row, ctx);
  if (!step) return {};
  return {true, *step, decimals_of(*step)};
}

int display_decimals(const RegisterRow& row, const DecodeContext& ctx) {
  return number_scale(row, ctx).decimals;
}

double decode_number(const RegisterRow& row, std::span<const std::uint16_t> words,
                     const NumberScale& scale) {
  double raw = 0;
  if (row.type == RegType::kU16) raw = words[0];
  if (row.type == RegType::kS16) raw = static_cast<std::int16_t>(words[0]);
  if (row.type == RegType::kU32) {
    raw = static_cast<double>(static_cast<std::uint32_t>(words[0]) |
                              (static_cast<std::uint32_t>(words[1]) << 16));
  }
  double v = raw * scale.step;
  if (row.negate) v = -v;
  return round_to(v, scale.decimals);
}

Result<PointValue> decode(const RegisterRow& row, std::span<const std::uint16_t> words,
                          const DecodeContext& ctx) {
  return decode(row, words, ctx, number_scale(row, ctx));
}

Result<PointValue> decode(const RegisterRow& row, std::span<const std::uint16_t> words,
                          const DecodeContext& ctx, const NumberScale& scale) {
  PointValue value;
  if (Status s = decode_into(row, words, ctx, scale, value); !s) return s.error();
  return value;
}

namespace {

// The text or list `value` holds, emptied with its buffer kept; a new one if it held another
// kind of value.
template <typename Kind>
Kind& emptied(PointValue& value) {
  if (auto* held = std::get_if<Kind>(&value)) {
    held->clear();
    return *held;
  }
  return value.emplace<Kind>();
}

std::string& text_in(PointValue& value) {
  return emptied<std::string>(value);
}

}  // namespace

Status decode_into(const RegisterRow& row, std::span<const std::uint16_t> words,
                   const DecodeContext& ctx, const NumberScale& scale, PointValue& out) {
  if (words.size() != row.length) {
    return Error::malformed(row.name + ": expected " + std::to_string(row.length) +
                            " registers, got " + std::to_string(words.size()));
  }
  switch (row.type) {
    case RegType::kU16:
    case RegType::kS16:
    case RegType::kU32: {
      if (!scale.known) {
        auto step = step_of(row, ctx);  // the reason it is unknown
        return step ? Error::invalid(row.name + ": no scale") : step.error();
      }
      assign_value(out, decode_number(row, words, scale));
      return {};
    }
    case RegType::kString: {
      std::string& s = text_in(out);
      for (std::uint16_t w : words) {
        auto c = static_cast<unsigned char>(w & 0xFF);
        if (c == 0) break;
        s.push_back(std::isprint(c) ? static_cast<char>(c) : '?');
      }
      while (!s.empty() && s.back() == ' ')
        s.pop_back();
      return {};
    }
    case RegType::kHhmm: {
      auto t = decode_hhmm(words[0]);
      if (!t) return t.error();
      text_in(out) = *t;
      return {};
    }
    case RegType::kEnum: {
      const auto* table = enum_table(row, ctx);
      if (table == nullptr) {
        return Error::malformed(row.name + ": no enum table for variant '" + ctx.enum_variant +
                                "'");
      }
      const int code = static_cast<int>(words[0]) - (row.numbering_varies ? ctx.list_base : 0);
      auto it = table->find(code);
      if (it == table->end()) {
        text_in(out) = "unknown (" + std::to_string(words[0]) + ")";
      } else {
        text_in(out) = it->second;  // into the kept buffer: no allocation per poll
      }
      return {};
    }
    case RegType::kClock: {
      auto t = decode_clock(words);
      if (!t) return t.error();
      // "YYYY-MM-DD HH:MM:SS" by hand: decode_clock() bounds every field (year 2000-2255), and
      // snprintf here cost more than the rest of the live group's decoding (profile of a poll).
      char text[19];
      auto put = [&text](std::size_t at, int value, int digits) {
        for (int i = digits - 1; i >= 0; --i, value /= 10)
          text[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
      };
      put(0, t->year, 4);
      text[4] = '-';
      put(5, t->month, 2);
      text[7] = '-';
      put(8, t->day, 2);
      text[10] = ' ';
      put(11, t->hour, 2);
      text[13] = ':';
      put(14, t->minute, 2);
      text[16] = ':';
      put(17, t->second, 2);
      text_in(out).assign(text, sizeof text);
      return {};
    }
    case RegType::kFaults: {
      auto& faults = emptied<std::vector<FaultCode>>(out);
      for (std::uint16_t w : words) {
        if (w == 0) continue;
        faults.push_back(ctx.faults != nullptr ? ctx.faults->lookup(w)
                                               : FaultCode{w, "Unknown" + std::to_string(w), ""});
      }
      return {};
    }
  }
  return Error::malformed("unknown row type");
}

Result<std::vector<std::uint16_t>> encode(const RegisterRow& row, const PointValue& value,
                                          const DecodeContext& ctx) {
  switch (row.type) {
    case RegType::kU16:
    case RegType::kS16:
    case RegType::kU32: {
      const double* v = std::get_if<double>(&value);
      if (v == nullptr) return Error::invalid(row.name + " takes a number");
      auto step = step_of(row, ctx);
      if (!step) return step.error();
      const double factor = row.scaling == Scaling::kBattery12V ? *ctx.battery_voltage_factor : 1.0;
      if (row.min && *v < *row.min * factor - 1e-9) {
        return Error::invalid(format_value(*v, row.unit) + " is below the minimum " +
                              format_value(*row.min * factor, row.unit) + " of " + row.name);
      }
      if (row.max && *v > *row.max * factor + 1e-9) {
        return Error::invalid(format_value(*v, row.unit) + " is above the maximum " +
                              format_value(*row.max * factor, row.unit) + " of " + row.name);
      }
      double raw = (row.negate ? -*v : *v) / *step;
      double rounded = std::round(raw);
      if (std::fabs(raw - rounded) > 1e-6) {
        return Error::invalid(format_value(*v, row.unit) + " is not a multiple of the step " +
                              format_value(round_to(*step, 6), row.unit) + " of " + row.name);
      }
      if (row.type == RegType::kU16 && (rounded < 0 || rounded > 0xFFFF)) {
        return Error::invalid(row.name + ": value does not fit an unsigned register");
      }
      if (row.type == RegType::kS16 && (rounded < -32768 || rounded > 32767)) {
        return Error::invalid(row.name + ": value does not fit a signed register");
      }
      if (row.type == RegType::kU32) {
        if (rounded < 0 || rounded > 4294967295.0) {
          return Error::invalid(row.name + ": value does not fit 32 bits");
        }
        auto u = static_cast<std::uint32_t>(rounded);
        return std::vector<std::uint16_t>{static_cast<std::uint16_t>(u & 0xFFFF),
                                          static_cast<std::uint16_t>(u >> 16)};
      }
      return std::vector<std::uint16_t>{
          static_cast<std::uint16_t>(static_cast<std::int32_t>(rounded) & 0xFFFF)};
    }
    case RegType::kString: {
      const auto* s = std::get_if<std::string>(&value);
      if (s == nullptr) return Error::invalid(row.name + " takes text");
      if (s->size() > row.length) return Error::invalid(row.name + ": text too long");
      std::vector<std::uint16_t> words(row.length, 0);
      for (std::size_t i = 0; i < s->size(); ++i)
        words[i] = static_cast<unsigned char>((*s)[i]);
      return words;
    }
    case RegType::kHhmm: {
      const auto* s = std::get_if<std::string>(&value);
      if (s == nullptr) return Error::invalid(row.name + " takes a time HH:MM");
      auto raw = encode_hhmm(*s);
      if (!raw) return raw.error();
      return std::vector<std::uint16_t>{*raw};
    }
    case RegType::kEnum: {
      const auto* table = enum_table(row, ctx);
      if (table == nullptr) return Error::invalid(row.name + ": no enum table for this variant");
      if (const auto* s = std::get_if<std::string>(&value)) {
        for (const auto& [code, text] : *table) {
          if (std::equal(text.begin(), text.end(), s->begin(), s->end(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
              })) {
            return std::vector<std::uint16_t>{
                static_cast<std::uint16_t>(code + (row.numbering_varies ? ctx.list_base : 0))};
          }
        }
      } else if (const auto* d = std::get_if<double>(&value)) {
        int code = static_cast<int>(*d);
        if (code == *d && table->count(code) != 0) {
          return std::vector<std::uint16_t>{
              static_cast<std::uint16_t>(code + (row.numbering_varies ? ctx.list_base : 0))};
        }
      }
      std::string options;
      for (const auto& [code, text] : *table)
        options += (options.empty() ? "" : ", ") + text;
      return Error::invalid(row.name + " must be one of " + options);
    }
    case RegType::kClock: {
      const auto* s = std::get_if<std::string>(&value);
      CivilTime t;
      if (s == nullptr || std::sscanf(s->c_str(), "%4d-%2d-%2d %2d:%2d:%2d", &t.year, &t.month,
                                      &t.day, &t.hour, &t.minute, &t.second) != 6) {
        return Error::invalid(row.name + " takes \"YYYY-MM-DD HH:MM:SS\"");
      }
      return encode_clock(t);
    }
    case RegType::kFaults:
      return Error::invalid(row.name + " is not writable");
  }
  return Error::invalid("unknown row type");
}

Result<PointValue> parse_user_value(const RegisterRow& row, const std::string& text) {
  switch (row.type) {
    case RegType::kU16:
    case RegType::kS16:
    case RegType::kU32: {
      // Accept an optional trailing unit: "60", "60A", "57.6 V".
      std::string t = text;
      if (!row.unit.empty() && t.size() > row.unit.size() &&
          t.compare(t.size() - row.unit.size(), row.unit.size(), row.unit) == 0) {
        t.resize(t.size() - row.unit.size());
      }
      while (!t.empty() && t.back() == ' ')
        t.pop_back();
      double v = 0;
      auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v)) {
        return Error::invalid("'" + text + "' is not a number");
      }
      return PointValue{v};
    }
    case RegType::kEnum: {
      int code = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
      if (!text.empty() && ec == std::errc() && ptr == text.data() + text.size()) {
        return PointValue{static_cast<double>(code)};
      }
      return PointValue{text};
    }
    default:
      return PointValue{text};
  }
}

}  // namespace sb::protocol
