// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/web/assets.hpp"

#include <zlib.h>

#include "sunbridge/embedded_gzip.hpp"
#include "sunbridge/embedded_web.hpp"

namespace sb::adapters::web {

const std::vector<Asset>& assets() {
  // Scripts are stored compressed, under a content type the HTTP server does not compress
  // again; the small text files are compressed by the server on the way out.
  static const std::vector<Asset> kAssets = {
      {"/index.html", "text/html; charset=utf-8", sb::web_text::index_html(), false},
      {"/app.css", "text/css; charset=utf-8", sb::web_text::app_css(), false},
      {"/favicon.svg", "image/svg+xml", sb::web_text::favicon_svg(), false},
      {"/app.js", "application/javascript; charset=utf-8", sb::web_gzip::app_js(), true},
      {"/chart.min.js", "application/javascript; charset=utf-8", sb::web_gzip::chart_min_js(),
       true},
  };
  return kAssets;
}

const Asset* find_asset(std::string_view path) {
  for (const Asset& a : assets()) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

std::string gunzip(std::string_view gz) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return {};
  std::string out;
  char buffer[16384];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

}  // namespace sb::adapters::web
