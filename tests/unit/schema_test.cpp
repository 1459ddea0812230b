// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "issues.hpp"

#include "sunbridge/core/schema.hpp"

using namespace sb::schema;
using nlohmann::json;

namespace {

Schema sample() {
  return Schema::object({
      required("name", Schema::string(1, 10)),
      optional("port", Schema::integer(1, 65535).with_default(1883)),
      optional("ratio", Schema::number(0, 1)),
      optional("mode", Schema::choice({"a", "b"}).with_default("a")),
      optional("tags", Schema::array_of(Schema::string(), 0, 2)),
      optional("nested", Schema::object({optional("flag", Schema::boolean().with_default(true))})),
  });
}

}  // namespace

TEST_CASE("defaults are filled in, nested sections included", "[unit][schema]") {
  json doc = {{"name", "x"}};
  auto issues = validate(sample(), doc);
  CHECK(issues.empty());
  CHECK(doc["port"] == 1883);
  CHECK(doc["mode"] == "a");
  CHECK(doc["nested"]["flag"] == true);
  CHECK_FALSE(doc.contains("ratio"));
}

TEST_CASE("every problem is reported at once, with paths", "[unit][schema]") {
  json doc = {{"port", "1883"},
              {"ratio", 1.5},
              {"mode", "c"},
              {"tags", {"a", "b", 3}},
              {"nested", {{"flagg", true}}},
              {"nmae", "x"}};
  auto issues = validate(sample(), doc);
  CHECK(sb::test::has_issue(issues, "name", "is required"));
  CHECK(sb::test::has_issue(issues, "port", "expected an integer"));
  CHECK(sb::test::has_issue(issues, "ratio", "must be in [0, 1]"));
  CHECK(sb::test::has_issue(issues, "mode", "must be one of a, b"));
  CHECK(sb::test::has_issue(issues, "tags", "0 to 2 items"));
  CHECK(sb::test::has_issue(issues, "tags[2]", "expected a string"));
  CHECK(sb::test::has_issue(issues, "nested.flagg", "did you mean 'flag'"));
  CHECK(sb::test::has_issue(issues, "nmae", "did you mean 'name'"));
  CHECK(issues.size() == 8);
}

TEST_CASE("integers must be integral and in range, including large unsigned", "[unit][schema]") {
  json doc = {{"name", "x"}, {"port", 1883.0}};
  CHECK(sb::test::has_issue(validate(sample(), doc), "port", "expected an integer"));
  doc = {{"name", "x"}, {"port", 18446744073709551615ULL}};
  CHECK(sb::test::has_issue(validate(sample(), doc), "port", "must be in [1, 65535]"));
  doc = {{"name", "x"}, {"port", -1}};
  CHECK(sb::test::has_issue(validate(sample(), doc), "port", "must be in"));
}

TEST_CASE("custom checks run on well-typed values", "[unit][schema]") {
  Schema even = Schema::integer(0, 100).with_check([](const json& v) -> std::optional<std::string> {
    if (v.get<int>() % 2 != 0) return "must be even";
    return std::nullopt;
  });
  json ok = 4, odd = 5, text = "x";
  CHECK(validate(even, ok).empty());
  CHECK(sb::test::has_issue(validate(even, odd), "", "must be even"));
  auto issues = validate(even, text);
  REQUIRE(issues.size() == 1);  // type error only, the check is not run on a string
}

TEST_CASE("strict parsing reports syntax errors with line and column, and duplicates",
          "[unit][schema]") {
  Issues issues;
  CHECK_FALSE(parse_strict("{\n  \"a\": 1,\n  \"b\": ]\n}", issues).has_value());
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].message.find("line 3") != std::string::npos);

  issues.clear();
  CHECK_FALSE(parse_strict(R"({"inverter": {"baud": 9600, "baud": 19200}})", issues).has_value());
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].path == "inverter.baud");
  CHECK(issues[0].message.find("duplicate key") != std::string::npos);

  issues.clear();
  auto doc = parse_strict(R"({"a": [{"x": 1}, {"x": 2}]})", issues);
  CHECK(doc.has_value());  // the same key in sibling objects is fine
  CHECK(issues.empty());
}

TEST_CASE("numbers that overflow are a parse problem, not an escaping exception",
          "[unit][schema]") {
  // Found by fuzz_register_map: nlohmann/json throws out_of_range (not parse_error) here.
  Issues issues;
  CHECK_FALSE(parse_strict("5e5555", issues).has_value());
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].message.find("number overflow") != std::string::npos);
  issues.clear();
  CHECK_FALSE(parse_strict(R"({"inverter": {"baud": 1e999}})", issues).has_value());
  CHECK(issues.size() == 1);
}

TEST_CASE("issues format as path: message lines", "[unit][schema]") {
  Issues issues = {{"inverter.baud", "bad"}, {"", "whole document"}};
  CHECK(format_issues(issues, "c.json") == "c.json: inverter.baud: bad\nc.json: whole document\n");
}
