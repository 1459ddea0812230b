// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/register_map_file.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sunbridge/core/schema.hpp"

namespace sb::adapters {

protocol::RegisterMap load_register_map(const std::string& path) {
  if (path.empty()) return protocol::RegisterMap::embedded();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read register map " + path);
  std::ostringstream text;
  text << in.rdbuf();
  schema::Issues issues;
  auto map = protocol::RegisterMap::from_json(text.str(), issues);
  if (!map) {
    throw std::runtime_error("register map " + path + " is invalid:\n" +
                             schema::format_issues(issues, path));
  }
  return std::move(*map);
}

}  // namespace sb::adapters
