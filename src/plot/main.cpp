// SPDX-License-Identifier: Apache-2.0
// sunbridge-plot: draws a chart description (JSON on standard input, as `sunbridge plot` and the
// daemon's e-mail reports produce it) to a PNG or SVG file. See docs/reports.md.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include <CLI/CLI.hpp>

#include "plot/plplot_chart.hpp"
#include "sunbridge/adapters/plot_json.hpp"
#include "sunbridge/core/version.hpp"

// GCC says it builds with AddressSanitizer by __SANITIZE_ADDRESS__, clang (the sanitizer build's
// compiler) by __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define SUNBRIDGE_PLOT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SUNBRIDGE_PLOT_ASAN 1
#endif
#endif

#if defined(SUNBRIDGE_PLOT_ASAN)
// Fontconfig (under PLplot's cairo driver) and libltdl (its driver loader) keep caches for the
// life of the process; in a sanitizer build they are not this program's leaks.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\nleak:libltdl.so\nleak:libpango\nleak:libcairo.so\n"
         "leak:libglib-2.0.so\nleak:libgobject-2.0.so\nleak:libharfbuzz.so\n";
}
extern "C" const char* __lsan_default_options() {
  return "print_suppressions=0";
}
#endif

namespace {

constexpr std::size_t kMaxInputBytes = 64u << 20;

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "sunbridge-plot: draws a sunbridge chart description (JSON on standard input) to "
      "a PNG or SVG file"};
  std::string output, format;
  int width_px = 1000, height_px = 600;
  app.add_option("-o,--output", output, "the image file to write")->required();
  app.add_option("--format", format, "png or svg (default: from the file name, else png)")
      ->check(CLI::IsMember({"png", "svg"}));
  app.add_option("--width", width_px, "image width in pixels")->check(CLI::Range(200, 4000));
  app.add_option("--height", height_px, "image height in pixels")->check(CLI::Range(150, 3000));
  app.set_version_flag("--version", sb::version_string());
  CLI11_PARSE(app, argc, argv);

  if (format.empty()) format = ends_with(output, ".svg") ? "svg" : "png";
  std::string input;
  char buffer[65536];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, stdin)) {
    input.append(buffer, n);
    if (input.size() > kMaxInputBytes) {
      std::cerr << "sunbridge-plot: the chart description is larger than 64 MB\n";
      return 1;
    }
  }
  auto spec = sb::adapters::plot_spec_from_text(input);
  if (!spec) {
    std::cerr << "sunbridge-plot: " << spec.error().detail << "\n";
    return 1;
  }
  const auto image = format == "svg" ? sb::plot::ImageFormat::kSvg : sb::plot::ImageFormat::kPng;
  if (auto s = sb::plot::draw_chart(*spec, output, image, {width_px, height_px}); !s) {
    std::cerr << "sunbridge-plot: " << s.error().detail << "\n";
    return 1;
  }
  return 0;
}
