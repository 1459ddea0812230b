// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/core/schema.hpp"
#include "sunbridge/core/text.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace sb::schema {

using nlohmann::json;

void validate_into(const Schema& schema, json& doc, const std::string& path, Issues& issues);

struct Schema::Impl {
  Kind kind = Kind::kAny;
  std::vector<Field> fields;            // kObject
  std::shared_ptr<const Impl> element;  // kMap value / kArray item
  std::size_t min_items = 0, max_items = 0;
  std::int64_t int_min = 0, int_max = 0;
  double num_min = 0, num_max = 0;
  std::size_t min_length = 0, max_length = 0;
  std::vector<std::string> choices;
  std::optional<json> default_value;
  std::vector<Check> checks;
  bool nullable = false;
};

namespace {

std::shared_ptr<Schema::Impl> make(Schema::Kind kind) {
  auto impl = std::make_shared<Schema::Impl>();
  impl->kind = kind;
  return impl;
}

std::string join_path(const std::string& base, const std::string& key) {
  return base.empty() ? key : base + "." + key;
}

std::string type_name(const json& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number_float()) return "number";
  return v.type_name();
}

std::string short_repr(const json& v) {
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

std::string fmt_number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

Schema Schema::object(std::vector<Field> fields) {
  auto impl = make(Kind::kObject);
  impl->fields = std::move(fields);
  return Schema(impl);
}
Schema Schema::map_of(Schema value) {
  auto impl = make(Kind::kMap);
  impl->element = value.impl_;
  return Schema(impl);
}
Schema Schema::array_of(Schema item, std::size_t min_items, std::size_t max_items) {
  auto impl = make(Kind::kArray);
  impl->element = item.impl_;
  impl->min_items = min_items;
  impl->max_items = max_items;
  return Schema(impl);
}
Schema Schema::integer(std::int64_t min, std::int64_t max) {
  auto impl = make(Kind::kInteger);
  impl->int_min = min;
  impl->int_max = max;
  return Schema(impl);
}
Schema Schema::number(double min, double max) {
  auto impl = make(Kind::kNumber);
  impl->num_min = min;
  impl->num_max = max;
  return Schema(impl);
}
Schema Schema::string(std::size_t min_length, std::size_t max_length) {
  auto impl = make(Kind::kString);
  impl->min_length = min_length;
  impl->max_length = max_length;
  return Schema(impl);
}
Schema Schema::choice(std::vector<std::string> choices) {
  auto impl = make(Kind::kChoice);
  impl->choices = std::move(choices);
  return Schema(impl);
}
Schema Schema::boolean() {
  return Schema(make(Kind::kBoolean));
}
Schema Schema::any() {
  return Schema(make(Kind::kAny));
}

Schema Schema::with_default(json value) const {
  auto impl = std::make_shared<Impl>(*impl_);
  impl->default_value = std::move(value);
  return Schema(impl);
}
Schema Schema::with_check(Check check) const {
  auto impl = std::make_shared<Impl>(*impl_);
  impl->checks.push_back(std::move(check));
  return Schema(impl);
}
Schema Schema::nullable() const {
  auto impl = std::make_shared<Impl>(*impl_);
  impl->nullable = true;
  return Schema(impl);
}
Schema::Kind Schema::kind() const {
  return impl_->kind;
}
const std::optional<json>& Schema::default_value() const {
  return impl_->default_value;
}

Field required(std::string name, Schema schema) {
  return {std::move(name), std::move(schema), true};
}
Field optional(std::string name, Schema schema) {
  return {std::move(name), std::move(schema), false};
}

namespace {

void check_node(const Schema::Impl& s, json& v, const std::string& path, Issues& issues);

void check_object(const Schema::Impl& s, json& v, const std::string& path, Issues& issues) {
  if (!v.is_object()) {
    issues.push_back({path, "expected an object, got " + type_name(v)});
    return;
  }
  std::set<std::string> known;
  for (const auto& f : s.fields)
    known.insert(f.name);
  for (const auto& [key, _] : v.items()) {
    if (known.count(key) != 0) continue;
    std::string msg = "unknown key '" + key + "'";
    const std::string best = closest(key, known);
    if (!best.empty()) msg += " (did you mean '" + best + "'?)";
    issues.push_back({join_path(path, key), msg});
  }
  for (const auto& f : s.fields) {
    auto it = v.find(f.name);
    if (it == v.end()) {
      if (f.required) {
        issues.push_back({join_path(path, f.name), "is required"});
      } else if (f.schema.default_value()) {
        v[f.name] = *f.schema.default_value();
        // Defaults of nested objects are themselves filled by validating them.
        if (f.schema.kind() == Schema::Kind::kObject) {
          Issues ignored;
          validate_into(f.schema, v[f.name], join_path(path, f.name), ignored);
        }
      } else if (f.schema.kind() == Schema::Kind::kObject) {
        // An absent optional section gets all of its own defaults.
        json section = json::object();
        Issues sub;
        validate_into(f.schema, section, join_path(path, f.name), sub);
        if (sub.empty()) v[f.name] = std::move(section);
      }
      continue;
    }
    validate_into(f.schema, *it, join_path(path, f.name), issues);
  }
}

void check_node(const Schema::Impl& s, json& v, const std::string& path, Issues& issues) {
  if (s.nullable && v.is_null()) return;
  std::size_t before = issues.size();
  switch (s.kind) {
    case Schema::Kind::kObject:
      check_object(s, v, path, issues);
      break;
    case Schema::Kind::kMap:
      if (!v.is_object()) {
        issues.push_back({path, "expected an object, got " + type_name(v)});
        break;
      }
      for (auto& [key, value] : v.items()) {
        check_node(*s.element, value, join_path(path, key), issues);
      }
      break;
    case Schema::Kind::kArray:
      if (!v.is_array()) {
        issues.push_back({path, "expected an array, got " + type_name(v)});
        break;
      }
      if (v.size() < s.min_items || v.size() > s.max_items) {
        std::string msg = "expected ";
        if (s.max_items == std::numeric_limits<std::size_t>::max()) {
          msg += "at least " + std::to_string(s.min_items);
        } else if (s.min_items == s.max_items) {
          msg += "exactly " + std::to_string(s.min_items);
        } else {
          msg += std::to_string(s.min_items) + " to " + std::to_string(s.max_items);
        }
        issues.push_back({path, msg + " items, got " + std::to_string(v.size())});
      }
      for (std::size_t i = 0; i < v.size(); ++i) {
        check_node(*s.element, v[i], path + "[" + std::to_string(i) + "]", issues);
      }
      break;
    case Schema::Kind::kInteger: {
      bool integral = v.is_number_integer();
      if (!integral) {
        issues.push_back({path, "expected an integer in [" + std::to_string(s.int_min) + ", " +
                                    std::to_string(s.int_max) + "], got " + short_repr(v)});
        break;
      }
      // Compare as signed or unsigned without overflow.
      bool in_range =
          v.is_number_unsigned()
              ? (s.int_max >= 0 &&
                 v.get<std::uint64_t>() <= static_cast<std::uint64_t>(s.int_max) &&
                 (s.int_min <= 0 ||
                  v.get<std::uint64_t>() >= static_cast<std::uint64_t>(s.int_min)))
              : (v.get<std::int64_t>() >= s.int_min && v.get<std::int64_t>() <= s.int_max);
      if (!in_range) {
        issues.push_back({path, "must be in [" + std::to_string(s.int_min) + ", " +
                                    std::to_string(s.int_max) + "], got " + short_repr(v)});
      }
      break;
    }
    case Schema::Kind::kNumber:
      if (!v.is_number()) {
        issues.push_back({path, "expected a number in [" + fmt_number(s.num_min) + ", " +
                                    fmt_number(s.num_max) + "], got " + short_repr(v)});
        break;
      }
      if (double d = v.get<double>(); !(d >= s.num_min && d <= s.num_max)) {
        issues.push_back({path, "must be in [" + fmt_number(s.num_min) + ", " +
                                    fmt_number(s.num_max) + "], got " + short_repr(v)});
      }
      break;
    case Schema::Kind::kString:
      if (!v.is_string()) {
        issues.push_back({path, "expected a string, got " + type_name(v)});
        break;
      }
      if (auto n = v.get_ref<const std::string&>().size(); n < s.min_length || n > s.max_length) {
        issues.push_back({path, "length must be " + std::to_string(s.min_length) + " to " +
                                    std::to_string(s.max_length) + ", got " + std::to_string(n)});
      }
      break;
    case Schema::Kind::kChoice: {
      std::string options;
      for (const auto& c : s.choices)
        options += (options.empty() ? "" : ", ") + c;
      if (!v.is_string() || std::find(s.choices.begin(), s.choices.end(),
                                      v.get_ref<const std::string&>()) == s.choices.end()) {
        issues.push_back({path, "must be one of " + options + "; got " + short_repr(v)});
      }
      break;
    }
    case Schema::Kind::kBoolean:
      if (!v.is_boolean()) issues.push_back({path, "expected true or false, got " + short_repr(v)});
      break;
    case Schema::Kind::kAny:
      break;
  }
  if (issues.size() != before) return;  // custom checks only run on well-typed values
  for (const auto& check : s.checks) {
    if (auto msg = check(v)) issues.push_back({path, *msg});
  }
}

}  // namespace

void validate_into(const Schema& schema, json& doc, const std::string& path, Issues& issues) {
  check_node(*schema.impl_, doc, path, issues);
}

Issues validate(const Schema& schema, json& doc, const std::string& root_path) {
  Issues issues;
  validate_into(schema, doc, root_path, issues);
  return issues;
}

std::optional<json> parse_strict(std::string_view text, Issues& issues) {
  struct Frame {
    std::set<std::string> keys;
    std::string last_key;
    bool is_object = false;
  };
  std::vector<Frame> frames;
  std::size_t issues_before = issues.size();
  auto path_of = [&frames](const std::string& key) {
    std::string p;
    for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
      if (frames[i].is_object && !frames[i].last_key.empty()) p = join_path(p, frames[i].last_key);
    }
    return join_path(p, key);
  };
  json::parser_callback_t cb = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        frames.push_back({{}, {}, true});
        break;
      case json::parse_event_t::array_start:
        frames.push_back({{}, {}, false});
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!frames.empty()) frames.pop_back();
        break;
      case json::parse_event_t::key: {
        if (frames.empty()) break;
        const auto& key = parsed.get_ref<const std::string&>();
        if (!frames.back().keys.insert(key).second) {
          issues.push_back({path_of(key), "duplicate key '" + key + "'"});
        }
        frames.back().last_key = key;
        break;
      }
      case json::parse_event_t::value:
        break;
    }
    return true;
  };
  try {
    json doc = json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/true,
                           /*ignore_comments=*/false);
    if (issues.size() != issues_before) return std::nullopt;
    return doc;
  } catch (const json::parse_error& e) {
    // Convert the byte offset into line:column for humans.
    std::size_t byte = e.byte > 0 ? e.byte - 1 : 0;
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string what = e.what();
    // nlohmann's message is "[json.exception.parse_error.101] parse error at line L, column C:
    // syntax error while parsing value - ..."; keep the part after the last " - ".
    auto dash = what.rfind(" - ");
    std::string reason = dash == std::string::npos ? what : what.substr(dash + 3);
    issues.push_back({"", "invalid JSON at line " + std::to_string(line) + ", column " +
                              std::to_string(col) + ": " + reason});
    return std::nullopt;
  } catch (const json::exception& e) {
    // Not only syntax: a number like 5e5555 overflows (out_of_range 406). Every failure of the
    // parser is a problem with the text, reported like one, never an exception that escapes.
    std::string what = e.what();
    auto bracket = what.find("] ");
    issues.push_back(
        {"", "invalid JSON: " + (bracket == std::string::npos ? what : what.substr(bracket + 2))});
    return std::nullopt;
  }
}

std::string format_issues(const Issues& issues, std::string_view source) {
  std::string out;
  for (const auto& i : issues) {
    if (!source.empty()) {
      out += source;
      out += ": ";
    }
    if (!i.path.empty()) out += i.path + ": ";
    out += i.message;
    out += '\n';
  }
  return out;
}

}  // namespace sb::schema
