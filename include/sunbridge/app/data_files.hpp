// SPDX-License-Identifier: Apache-2.0
// The data files the daemon loads (profiles, tariffs, holidays, the maintenance list): the
// shipped ones compiled in, the user's from a directory. Start-up only: problems throw
// std::runtime_error with every issue listed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sunbridge/core/schema.hpp"

namespace sb::app {

std::string read_text_file(const std::string& path);

// The *.json files in `directory`, sorted; `setting` names the configuration key in errors.
std::vector<std::string> json_files_in(const std::string& directory, const std::string& setting);

// A shipped document parsed with T::from_json(text, issues); `what` and `file` name it in the
// error (a shipped file that does not load is a build mistake, caught by the tests).
template <class T>
T parse_shipped(std::string_view text, const std::string& what, const std::string& file) {
  schema::Issues issues;
  auto parsed = T::from_json(text, issues);
  if (!parsed) {
    throw std::runtime_error("invalid " + what + ":\n" +
                             schema::format_issues(issues, "embedded " + file));
  }
  return std::move(*parsed);
}

}  // namespace sb::app
