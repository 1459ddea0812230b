// SPDX-License-Identifier: Apache-2.0
// Draws a chart description with PLplot (docs/dependencies.md says why PLplot): PNG through its
// cairo driver, SVG through its own SVG driver. PLplot keeps global state, so it lives in this
// short-lived program only, never in the daemon or the CLI.
#pragma once

#include <string>

#include "sunbridge/core/result.hpp"
#include "sunbridge/domain/plot_spec.hpp"

namespace sb::plot {

enum class ImageFormat { kPng, kSvg };

struct ImageSize {
  int width_px = 1000, height_px = 600;
};

// Writes `spec` to `path`. Errors: the driver for the format is not installed, or the file could
// not be written.
Status draw_chart(const domain::PlotSpec& spec, const std::string& path, ImageFormat format,
                  ImageSize size);

}  // namespace sb::plot
