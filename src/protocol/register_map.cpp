// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/protocol/register_map.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "load_embedded.hpp"
#include "sunbridge/embedded.hpp"

namespace sb::protocol {

using nlohmann::json;
using schema::Schema;

const char* to_string(RegType type) {
  switch (type) {
    case RegType::kU16:
      return "u16";
    case RegType::kS16:
      return "s16";
    case RegType::kU32:
      return "u32";
    case RegType::kString:
      return "string";
    case RegType::kHhmm:
      return "hhmm";
    case RegType::kEnum:
      return "enum";
    case RegType::kClock:
      return "clock";
    case RegType::kFaults:
      return "faults";
  }
  return "?";
}

const char* to_string(Group group) {
  switch (group) {
    case Group::kIdentity:
      return "identity";
    case Group::kLive:
      return "live";
    case Group::kSettings:
      return "settings";
  }
  return "?";
}

std::string format_address(std::uint16_t address) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", address);
  return buf;
}

std::optional<std::uint16_t> parse_address(std::string_view text) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || ptr != text.data() + text.size() || value > 0xFFFF) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

std::string normalize_lcd_id(std::string_view id) {
  if (id.empty() || id.size() > 2) return {};
  for (char c : id) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return {};
  }
  return id.size() == 1 ? "0" + std::string(id) : std::string(id);
}

namespace {

const std::map<std::string, RegType> kTypes = {
    {"u16", RegType::kU16},       {"s16", RegType::kS16},      {"u32", RegType::kU32},
    {"string", RegType::kString}, {"hhmm", RegType::kHhmm},    {"enum", RegType::kEnum},
    {"clock", RegType::kClock},   {"faults", RegType::kFaults}};

std::vector<std::string> type_names() {
  std::vector<std::string> names;
  for (const auto& [n, _] : kTypes)
    names.push_back(n);
  return names;
}

std::optional<std::string> check_address(const json& v) {
  if (!parse_address(v.get<std::string>())) return "not a 16-bit register address";
  return std::nullopt;
}

std::optional<std::string> check_enum_table(const json& v) {
  for (const auto& [key, _] : v.items()) {
    int code = 0;
    auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), code);
    if (ec != std::errc() || ptr != key.data() + key.size() || code < 0 || code > 0xFFFF) {
      return "enum key '" + key + "' is not a register value 0-65535";
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_range(const json& v) {
  if (v[0].get<double>() > v[1].get<double>()) return "range minimum exceeds maximum";
  return std::nullopt;
}

std::map<int, std::string> to_enum_table(const json& v) {
  std::map<int, std::string> table;
  for (const auto& [key, text] : v.items())
    table[std::stoi(key)] = text.get<std::string>();
  return table;
}

}  // namespace

Schema register_map_schema() {
  Schema enum_table = Schema::map_of(Schema::string(1, 40)).with_check(check_enum_table);
  Schema row = Schema::object({
      schema::required("addr", Schema::string(1, 8).with_check(check_address)),
      schema::required("name", Schema::string(3, 64)),
      schema::required("type", Schema::choice(type_names())),
      schema::required("group", Schema::choice({"identity", "live", "settings"})),
      schema::optional("length", Schema::integer(1, 32)),
      schema::optional("scale", Schema::number(1e-6, 1e6)),
      schema::optional("unit", Schema::string(0, 8)),
      schema::optional("access", Schema::choice({"ro", "rw"})),
      schema::optional("range",
                       Schema::array_of(Schema::number(-1e9, 1e9), 2, 2).with_check(check_range)),
      schema::optional("enum", enum_table),
      schema::optional("enum_variants", Schema::map_of(enum_table)),
      schema::optional("numbering_varies", Schema::boolean()),
      schema::optional("min_protocol", Schema::integer(0, 65535)),
      schema::optional("lcd", Schema::string(2, 2)),
      schema::optional("label", Schema::string(0, 120)),
      schema::required("conf", Schema::choice({"C", "D", "I"})),
      schema::optional("negate", Schema::boolean()),
      schema::optional("scaling", Schema::choice({"none", "battery12v"})),
  });
  Schema hole = Schema::object({
      schema::required("first", Schema::string(1, 8).with_check(check_address)),
      schema::required("last", Schema::string(1, 8).with_check(check_address)),
      schema::optional("note", Schema::string(0, 200)),
  });
  Schema derived = Schema::object({
      schema::required("name", Schema::string(3, 64)),
      schema::required("op", Schema::choice({"sum", "product"})),
      schema::required("inputs", Schema::array_of(Schema::string(3, 64), 2, 8)),
      schema::required("unit", Schema::string(0, 8)),
      schema::optional("label", Schema::string(0, 120)),
      schema::optional("decimals", Schema::integer(0, 6)),
      schema::optional(
          "fallback",
          Schema::object({
              schema::required("plus", Schema::array_of(Schema::string(3, 64), 1, 8)),
              schema::optional("minus", Schema::array_of(Schema::string(3, 64), 0, 8)
                                            .with_default(json::array())),
              schema::required("while_any_above", Schema::array_of(Schema::string(3, 64), 1, 8)),
              schema::required("above", Schema::number(0, 1e6)),
              schema::required("note", Schema::string(1, 200)),
          })),
  });
  Schema verification = Schema::object({
      schema::required("lcd", Schema::string(2, 2)),
      schema::optional("raw_notes",
                       Schema::map_of(Schema::string(1, 200)).with_check(check_enum_table)),
  });
  return Schema::object({
      schema::required("schema", Schema::choice({"sunbridge.register-map/1"})),
      schema::required("model", Schema::string(1, 120)),
      schema::optional("source", Schema::string(0, 400)),
      schema::optional("max_registers_per_read", Schema::integer(1, 125).with_default(32)),
      schema::optional("holes", Schema::array_of(hole).with_default(json::array())),
      schema::required("rows", Schema::array_of(row, 1)),
      schema::optional("derived", Schema::array_of(derived).with_default(json::array())),
      schema::optional("onsite_verification",
                       Schema::array_of(verification).with_default(json::array())),
  });
}

std::optional<RegisterMap> RegisterMap::from_json(std::string_view text, schema::Issues& issues) {
  std::size_t before = issues.size();
  auto doc = schema::parse_strict(text, issues);
  if (!doc) return std::nullopt;
  auto found = schema::validate(register_map_schema(), *doc);
  issues.insert(issues.end(), found.begin(), found.end());
  if (issues.size() != before) return std::nullopt;

  RegisterMap map;
  map.model_ = (*doc)["model"].get<std::string>();
  map.max_registers_per_read_ = (*doc)["max_registers_per_read"].get<int>();

  const auto& jrows = (*doc)["rows"];
  std::set<std::string> names;
  std::set<std::string> lcds;
  for (std::size_t i = 0; i < jrows.size(); ++i) {
    const json& j = jrows[i];
    const std::string path = "rows[" + std::to_string(i) + "]";
    auto problem = [&](const std::string& field, const std::string& msg) {
      issues.push_back({path + (field.empty() ? "" : "." + field), msg});
    };
    RegisterRow r;
    r.address = *parse_address(j["addr"].get<std::string>());
    r.name = j["name"].get<std::string>();
    r.type = kTypes.at(j["type"].get<std::string>());
    const std::string group = j["group"].get<std::string>();
    r.group = group == "identity" ? Group::kIdentity
              : group == "live"   ? Group::kLive
                                  : Group::kSettings;
    r.scale = j.value("scale", 1.0);
    r.unit = j.value("unit", "");
    r.access = j.value("access", "ro") == "rw" ? Access::kReadWrite : Access::kReadOnly;
    if (j.contains("range")) {
      r.min = j["range"][0].get<double>();
      r.max = j["range"][1].get<double>();
    }
    if (j.contains("enum")) r.enum_values = to_enum_table(j["enum"]);
    if (j.contains("enum_variants")) {
      for (const auto& [variant, table] : j["enum_variants"].items()) {
        r.enum_variants[variant] = to_enum_table(table);
      }
    }
    r.min_protocol = j.value("min_protocol", 0);
    r.numbering_varies = j.value("numbering_varies", false);
    r.lcd = j.value("lcd", "");
    r.label = j.value("label", "");
    r.confidence = j["conf"].get<std::string>()[0];
    r.negate = j.value("negate", false);
    r.scaling = j.value("scaling", "none") == "battery12v" ? Scaling::kBattery12V : Scaling::kNone;

    // Length follows from the type, except for strings and fault lists.
    std::optional<int> given =
        j.contains("length") ? std::optional<int>(j["length"].get<int>()) : std::nullopt;
    int expected = 1;
    switch (r.type) {
      case RegType::kU32:
        expected = 2;
        break;
      case RegType::kClock:
        expected = 3;
        break;
      case RegType::kString:
      case RegType::kFaults:
        if (!given) problem("length", "is required for type " + std::string(to_string(r.type)));
        expected = given.value_or(1);
        break;
      default:
        break;
    }
    if (given && *given != expected) {
      problem("length", "type " + std::string(to_string(r.type)) + " is " +
                            std::to_string(expected) + " register(s), not " +
                            std::to_string(*given));
    }
    r.length = static_cast<std::uint16_t>(expected);
    if (static_cast<int>(r.address) + r.length > 0x10000) problem("addr", "row runs past 0xFFFF");
    if (r.length > map.max_registers_per_read_) {
      problem("length", "longer than max_registers_per_read");
    }

    bool is_enum = r.type == RegType::kEnum;
    bool has_table = !r.enum_values.empty() || !r.enum_variants.empty();
    if (is_enum && r.enum_values.empty() == r.enum_variants.empty()) {
      problem("enum", "an enum row needs exactly one of 'enum' or 'enum_variants'");
    }
    if (!is_enum && has_table) problem("enum", "only rows of type enum take an enum table");
    if (r.scaling != Scaling::kNone && r.type != RegType::kU16) {
      problem("scaling", "12 V normalisation applies to u16 rows only");
    }
    if (r.negate && r.type != RegType::kS16) problem("negate", "only signed (s16) rows can negate");
    bool numeric = r.type == RegType::kU16 || r.type == RegType::kS16 || r.type == RegType::kU32;
    if (!numeric && (j.contains("scale") || j.contains("range"))) {
      problem("scale", "scale and range apply to numeric rows only");
    }
    if (!names.insert(r.name).second) problem("name", "duplicate point name '" + r.name + "'");
    if (r.group == Group::kSettings) {
      if (r.lcd.empty()) problem("lcd", "settings rows need their LCD parameter id");
      if (!r.writable()) problem("access", "settings rows are read-write");
    }
    if (!r.lcd.empty()) {
      if (normalize_lcd_id(r.lcd) != r.lcd) problem("lcd", "must be two digits, e.g. \"07\"");
      if (!lcds.insert(r.lcd).second) problem("lcd", "duplicate LCD parameter " + r.lcd);
      if (r.name != "setting.p" + r.lcd) {
        problem("name", "LCD parameter " + r.lcd + " must be named setting.p" + r.lcd);
      }
    }
    map.rows_.push_back(std::move(r));
  }

  std::sort(map.rows_.begin(), map.rows_.end(),
            [](const RegisterRow& a, const RegisterRow& b) { return a.address < b.address; });
  for (std::size_t i = 1; i < map.rows_.size(); ++i) {
    const auto& prev = map.rows_[i - 1];
    if (map.rows_[i].address < prev.end()) {
      issues.push_back({"rows", "'" + map.rows_[i].name + "' overlaps '" + prev.name + "'"});
    }
  }

  const auto& jholes = (*doc)["holes"];
  for (std::size_t i = 0; i < jholes.size(); ++i) {
    HoleRange h{*parse_address(jholes[i]["first"].get<std::string>()),
                *parse_address(jholes[i]["last"].get<std::string>())};
    if (h.first > h.last) {
      issues.push_back({"holes[" + std::to_string(i) + "]", "first is after last"});
      continue;
    }
    for (const auto& r : map.rows_) {
      if (r.address <= h.last && r.end() > h.first) {
        issues.push_back({"holes[" + std::to_string(i) + "]", "covers row '" + r.name + "'"});
      }
    }
    map.holes_.push_back(h);
  }

  const auto& jderived = (*doc)["derived"];
  for (std::size_t i = 0; i < jderived.size(); ++i) {
    const json& j = jderived[i];
    DerivedPoint d;
    d.name = j["name"].get<std::string>();
    d.op = j["op"].get<std::string>() == "sum" ? DerivedOp::kSum : DerivedOp::kProduct;
    d.inputs = j["inputs"].get<std::vector<std::string>>();
    d.unit = j["unit"].get<std::string>();
    d.label = j.value("label", "");
    d.decimals = j.value("decimals", -1);
    const std::string path = "derived[" + std::to_string(i) + "]";
    if (!names.insert(d.name).second) {
      issues.push_back({path + ".name", "duplicate point name '" + d.name + "'"});
    }
    for (const auto& input : d.inputs) {
      const RegisterRow* r = map.find(input);
      if (r == nullptr) {
        issues.push_back({path + ".inputs", "unknown input '" + input + "'"});
      } else if (r->type != RegType::kU16 && r->type != RegType::kS16 && r->type != RegType::kU32) {
        issues.push_back({path + ".inputs", "input '" + input + "' is not numeric"});
      }
    }
    if (j.contains("fallback")) {
      const json& f = j["fallback"];
      DerivedFallback fb;
      fb.plus = f["plus"].get<std::vector<std::string>>();
      fb.minus = f["minus"].get<std::vector<std::string>>();
      fb.flowing = f["while_any_above"].get<std::vector<std::string>>();
      fb.min_flowing = f["above"].get<double>();
      fb.note = f["note"].get<std::string>();
      // Rows, or derived points declared before this one (no cycles).
      for (const auto* list : {&fb.plus, &fb.minus, &fb.flowing}) {
        for (const auto& name : *list) {
          bool known = map.find(name) != nullptr;
          for (const auto& earlier : map.derived_)
            known = known || earlier.name == name;
          if (!known) {
            issues.push_back({path + ".fallback", "unknown point '" + name +
                                                      "' (a row, or a derived point declared "
                                                      "before this one)"});
          }
        }
      }
      d.fallback = std::move(fb);
    }
    map.derived_.push_back(std::move(d));
  }

  const auto& jverify = (*doc)["onsite_verification"];
  for (std::size_t i = 0; i < jverify.size(); ++i) {
    VerificationItem item;
    item.lcd = jverify[i]["lcd"].get<std::string>();
    if (jverify[i].contains("raw_notes")) item.raw_notes = to_enum_table(jverify[i]["raw_notes"]);
    if (map.find_lcd(item.lcd) == nullptr) {
      issues.push_back({"onsite_verification[" + std::to_string(i) + "].lcd",
                        "no row has LCD parameter " + item.lcd});
    }
    map.verification_.push_back(std::move(item));
  }

  if (issues.size() != before) return std::nullopt;
  return map;
}

RegisterMap RegisterMap::embedded() {
  return load_embedded<RegisterMap>(sb::embedded::register_map(), "srne-spi-10k-u.json");
}

const RegisterRow* RegisterMap::find(std::string_view name) const {
  for (const auto& r : rows_) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

const RegisterRow* RegisterMap::find_lcd(std::string_view id) const {
  std::string norm = normalize_lcd_id(id);
  if (norm.empty()) return nullptr;
  for (const auto& r : rows_) {
    if (r.lcd == norm) return &r;
  }
  return nullptr;
}

const RegisterRow* RegisterMap::at_address(std::uint16_t address) const {
  auto it = std::upper_bound(rows_.begin(), rows_.end(), address,
                             [](std::uint16_t a, const RegisterRow& r) { return a < r.address; });
  if (it == rows_.begin()) return nullptr;
  --it;
  return address < it->end() ? &*it : nullptr;
}

std::vector<const RegisterRow*> RegisterMap::group(Group g) const {
  std::vector<const RegisterRow*> out;
  for (const auto& r : rows_) {
    if (r.group == g) out.push_back(&r);
  }
  return out;
}

std::vector<const RegisterRow*> RegisterMap::settings_by_lcd() const {
  std::vector<const RegisterRow*> out;
  for (const auto& r : rows_) {
    if (!r.lcd.empty()) out.push_back(&r);
  }
  std::sort(out.begin(), out.end(),
            [](const RegisterRow* a, const RegisterRow* b) { return a->lcd < b->lcd; });
  return out;
}

}  // namespace sb::protocol
