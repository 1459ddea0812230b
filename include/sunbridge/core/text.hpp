// SPDX-License-Identifier: Apache-2.0
// Small text helpers shared by messages and reports.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

// "a, b, c" from {"a", "b", "c"} with sep ", ".
inline std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// The whole of `text` as a number of type T (decimal digits, a sign only for signed T);
// nullopt for anything else, an empty text, or a value out of T's range.
template <typename T>
std::optional<T> parse_whole_number(std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "a,b,,c" -> {"a", "b", "", "c"}.
inline std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = text.find(sep, start);
    out.emplace_back(text.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// Without leading and trailing blanks (spaces, tabs, CR, LF).
inline std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// Levenshtein distance: insertions, deletions and substitutions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` within `max_distance` edits ("" when none is that near): the
// "did you mean" of every error about a misspelled name.
std::string closest(std::string_view word, const std::set<std::string>& candidates,
                    std::size_t max_distance = 2);

// Without trailing spaces (no line the renderers print ends in padding).
std::string rtrim(std::string s);
// `prefix` then `text` broken at spaces into lines of at most 80 columns; continuation lines
// start with `indent` spaces (a word longer than a line is left whole).
std::string wrap_line(const std::string& prefix, const std::string& text, std::size_t indent);

// Lower-case hexadecimal, two digits a byte ("0a1b").
std::string to_hex(std::span<const std::uint8_t> bytes);
// The bytes of lower-case hexadecimal; nothing when the length is odd or a digit is not one.
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text);

}  // namespace sb
