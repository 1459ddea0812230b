// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/protocol/fault_table.hpp"

#include "load_embedded.hpp"
#include "sunbridge/embedded.hpp"

namespace sb::protocol {

using schema::Schema;

std::optional<FaultTable> FaultTable::from_json(std::string_view text, schema::Issues& issues) {
  std::size_t before = issues.size();
  auto doc = schema::parse_strict(text, issues);
  if (!doc) return std::nullopt;
  Schema entry = Schema::object({
      schema::required("code", Schema::integer(1, 65535)),
      schema::required("name", Schema::string(1, 40)),
      schema::required("text", Schema::string(1, 120)),
  });
  Schema table = Schema::object({
      schema::required("schema", Schema::choice({"sunbridge.fault-table/1"})),
      schema::optional("source", Schema::string(0, 400)),
      schema::required("faults", Schema::array_of(entry, 1)),
  });
  auto found = schema::validate(table, *doc);
  issues.insert(issues.end(), found.begin(), found.end());
  if (issues.size() != before) return std::nullopt;
  FaultTable t;
  const auto& faults = (*doc)["faults"];
  for (std::size_t i = 0; i < faults.size(); ++i) {
    auto code = faults[i]["code"].get<std::uint16_t>();
    FaultCode f{code, faults[i]["name"].get<std::string>(), faults[i]["text"].get<std::string>()};
    if (!t.entries_.emplace(code, std::move(f)).second) {
      issues.push_back(
          {"faults[" + std::to_string(i) + "].code", "duplicate code " + std::to_string(code)});
    }
  }
  if (issues.size() != before) return std::nullopt;
  return t;
}

FaultTable FaultTable::embedded() {
  return load_embedded<FaultTable>(sb::embedded::fault_table(), "srne-faults.json");
}

FaultCode FaultTable::lookup(std::uint16_t code) const {
  auto it = entries_.find(code);
  if (it != entries_.end()) return it->second;
  return {code, "Unknown" + std::to_string(code), "unknown fault " + std::to_string(code)};
}

}  // namespace sb::protocol
