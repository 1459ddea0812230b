// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/data_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sb::app {

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> json_files_in(const std::string& directory, const std::string& setting) {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  if (ec) throw std::runtime_error(setting + " " + directory + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace sb::app
