// SPDX-License-Identifier: Apache-2.0
// Declarative JSON document checking shared by config files, register maps, profiles and remote
// documents: unknown keys are errors, every problem is reported at once with its path, and
// defaults are filled in so typed loaders read a complete document.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sunbridge/core/result.hpp"

namespace sb::schema {

struct Issue {
  std::string path;  // "inverter.baud", "rows[3].addr"; empty for the document itself
  std::string message;
  bool operator==(const Issue&) const = default;
};
using Issues = std::vector<Issue>;

// A check beyond the type: returns an error message, or nullopt when the value is acceptable.
using Check = std::function<std::optional<std::string>(const nlohmann::json&)>;

struct Field;

class Schema {
 public:
  enum class Kind { kObject, kMap, kArray, kInteger, kNumber, kString, kChoice, kBoolean, kAny };

  static Schema object(std::vector<Field> fields);
  // An object with free-form keys whose values all follow `value` (e.g. enum tables).
  static Schema map_of(Schema value);
  static Schema array_of(Schema item, std::size_t min_items = 0,
                         std::size_t max_items = std::numeric_limits<std::size_t>::max());
  static Schema integer(std::int64_t min, std::int64_t max);
  static Schema number(double min, double max);
  static Schema string(std::size_t min_length = 0, std::size_t max_length = 4096);
  static Schema choice(std::vector<std::string> choices);
  static Schema boolean();
  static Schema any();

  [[nodiscard]] Schema with_default(nlohmann::json value) const;
  [[nodiscard]] Schema with_check(Check check) const;
  // Allows JSON null in addition to the type (the typed loader sees null).
  [[nodiscard]] Schema nullable() const;

  [[nodiscard]] Kind kind() const;
  [[nodiscard]] const std::optional<nlohmann::json>& default_value() const;

  struct Impl;

 private:
  explicit Schema(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
  friend Issues validate(const Schema&, nlohmann::json&, const std::string&);
  friend void validate_into(const Schema&, nlohmann::json&, const std::string&, Issues&);
};

struct Field {
  std::string name;
  Schema schema;
  bool required = false;
};

// A field that must be present.
Field required(std::string name, Schema schema);
// A field that may be absent; when absent and the schema has a default, the default is filled in.
Field optional(std::string name, Schema schema);

// Checks `doc` against `schema`, filling in defaults. Returns every problem; empty means valid.
Issues validate(const Schema& schema, nlohmann::json& doc, const std::string& root_path = "");

// Parses JSON text. Syntax errors carry line:column; duplicate keys are errors too (a config file
// with "baud" twice is a mistake, not a choice). All problems are appended to `issues`.
std::optional<nlohmann::json> parse_strict(std::string_view text, Issues& issues);

// "path: message" lines, one per issue, prefixed by `source` (a file name) when not empty.
std::string format_issues(const Issues& issues, std::string_view source = {});

}  // namespace sb::schema
