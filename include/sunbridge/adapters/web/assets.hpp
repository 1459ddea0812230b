// SPDX-License-Identifier: Apache-2.0
// The dashboard's files, compiled into the daemon (web/ in the source tree; Chart.js from
// Debian's libjs-chart.js, read at build time): nothing is downloaded, at build time or by the
// browser.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sb::adapters::web {

struct Asset {
  std::string_view path;          // "/app.js"
  std::string_view content_type;  // "application/javascript; charset=utf-8"
  std::string_view body;          // as stored: gzip-compressed when `gzipped`
  bool gzipped = false;
};

const std::vector<Asset>& assets();
const Asset* find_asset(std::string_view path);
// The body of a gzip-compressed asset for a client that does not take gzip; empty on failure.
std::string gunzip(std::string_view gz);

}  // namespace sb::adapters::web
