// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/plot_json.hpp"

#include <cmath>

namespace sb::adapters {

using domain::PlotSpec;
using nlohmann::json;

namespace {

// Far above what any chart of a year at one-minute resolution needs; a bound on what a bad
// input can make the renderer allocate.
constexpr std::size_t kMaxPoints = 600000;
constexpr std::size_t kMaxPanels = 4, kMaxLines = 12, kMaxShades = 400;
constexpr std::size_t kMaxCategories = 400, kMaxBarSeries = 12;
constexpr std::size_t kMaxText = 400;

json numbers_json(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v)
    a.push_back(std::isfinite(x) ? json(x) : json(nullptr));
  return a;
}

// Collects every problem of one description, each with where it is.
class Reader {
 public:
  std::vector<std::string> problems;

  std::string text(const json& j, const char* key, const std::string& where, bool required) {
    if (!j.contains(key)) {
      if (required) problems.push_back(where + key + ": missing");
      return {};
    }
    if (!j[key].is_string()) {
      problems.push_back(where + key + ": not a string");
      return {};
    }
    auto s = j[key].get<std::string>();
    if (s.size() > kMaxText) {
      problems.push_back(where + key + ": longer than " + std::to_string(kMaxText) + " characters");
      s.resize(kMaxText);
    }
    return s;
  }

  std::optional<double> number(const json& j, const char* key, const std::string& where,
                               bool required) {
    if (!j.contains(key) || j[key].is_null()) {
      if (required) problems.push_back(where + key + ": missing");
      return std::nullopt;
    }
    if (!j[key].is_number() || !std::isfinite(j[key].get<double>())) {
      problems.push_back(where + key + ": not a finite number");
      return std::nullopt;
    }
    return j[key].get<double>();
  }

  // An array of numbers; null is "no value" (NaN) where `nulls` allows it.
  std::vector<double> numbers(const json& j, const char* key, const std::string& where,
                              bool nulls) {
    std::vector<double> out;
    if (!j.contains(key) || !j[key].is_array()) {
      problems.push_back(where + key + ": missing or not an array");
      return out;
    }
    const json& a = j[key];
    if (a.size() > kMaxPoints) {
      problems.push_back(where + key + ": more than " + std::to_string(kMaxPoints) + " values");
      return out;
    }
    out.reserve(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i].is_null() && nulls) {
        out.push_back(std::nan(""));
      } else if (a[i].is_number() && std::isfinite(a[i].get<double>())) {
        out.push_back(a[i].get<double>());
      } else {
        problems.push_back(where + key + "[" + std::to_string(i) + "]: not a finite number");
        return {};
      }
    }
    return out;
  }

  domain::PlotColour colour(const json& j, const std::string& where) {
    const std::string name = text(j, "colour", where, true);
    if (auto c = domain::plot_colour_from_name(name)) return *c;
    if (!name.empty()) problems.push_back(where + "colour: unknown colour '" + name + "'");
    return domain::PlotColour::kPv;
  }

  const json* array(const json& j, const char* key, const std::string& where, std::size_t max) {
    if (!j.contains(key)) return nullptr;
    if (!j[key].is_array()) {
      problems.push_back(where + key + ": not an array");
      return nullptr;
    }
    if (j[key].size() > max) {
      problems.push_back(where + key + ": more than " + std::to_string(max) + " entries");
      return nullptr;
    }
    return &j[key];
  }

  bool object(const json& j, const std::string& where) {
    if (j.is_object()) return true;
    problems.push_back(where + ": not an object");
    return false;
  }
};

}  // namespace

json plot_spec_to_json(const PlotSpec& spec) {
  json j = {{"kind", spec.kind == PlotSpec::Kind::kLines ? "lines" : "bars"},
            {"title", spec.title},
            {"x_label", spec.x_label},
            {"x_min", spec.x_min},
            {"x_max", spec.x_max},
            {"note", spec.note},
            {"bar_y_label", spec.bar_y_label},
            {"categories", spec.categories}};
  json shades = json::array();
  for (const auto& s : spec.shades) {
    shades.push_back({{"x0", s.x0},
                      {"x1", s.x1},
                      {"label", s.label},
                      {"colour", domain::plot_colour_name(s.colour)}});
  }
  j["shades"] = std::move(shades);
  json panels = json::array();
  for (const auto& p : spec.panels) {
    json lines = json::array();
    for (const auto& l : p.lines) {
      lines.push_back({{"name", l.name},
                       {"colour", domain::plot_colour_name(l.colour)},
                       {"x", numbers_json(l.x)},
                       {"y", numbers_json(l.y)}});
    }
    json panel = {{"y_label", p.y_label}, {"lines", std::move(lines)}};
    if (p.y_min) panel["y_min"] = *p.y_min;
    if (p.y_max) panel["y_max"] = *p.y_max;
    panels.push_back(std::move(panel));
  }
  j["panels"] = std::move(panels);
  json bars = json::array();
  for (const auto& b : spec.bars) {
    bars.push_back({{"name", b.name},
                    {"colour", domain::plot_colour_name(b.colour)},
                    {"values", numbers_json(b.values)}});
  }
  j["bars"] = std::move(bars);
  return j;
}

Result<PlotSpec> plot_spec_from_json(const json& j) {
  Reader r;
  PlotSpec spec;
  if (!r.object(j, "chart")) return Error::invalid(r.problems.front());
  const std::string kind = r.text(j, "kind", "", true);
  if (kind == "lines") {
    spec.kind = PlotSpec::Kind::kLines;
  } else if (kind == "bars") {
    spec.kind = PlotSpec::Kind::kBars;
  } else if (!kind.empty()) {
    r.problems.push_back("kind: '" + kind + "' is neither 'lines' nor 'bars'");
  }
  spec.title = r.text(j, "title", "", false);
  spec.x_label = r.text(j, "x_label", "", false);
  spec.note = r.text(j, "note", "", false);
  spec.bar_y_label = r.text(j, "bar_y_label", "", false);
  spec.x_min = r.number(j, "x_min", "", false).value_or(0);
  spec.x_max = r.number(j, "x_max", "", false).value_or(24);
  if (spec.kind == PlotSpec::Kind::kLines && !(spec.x_max > spec.x_min)) {
    r.problems.push_back("x_max: not above x_min");
  }
  if (const json* shades = r.array(j, "shades", "", kMaxShades)) {
    for (std::size_t i = 0; i < shades->size(); ++i) {
      const std::string where = "shades[" + std::to_string(i) + "].";
      const json& s = (*shades)[i];
      if (!r.object(s, where)) continue;
      domain::PlotShade shade;
      shade.x0 = r.number(s, "x0", where, true).value_or(0);
      shade.x1 = r.number(s, "x1", where, true).value_or(0);
      shade.label = r.text(s, "label", where, false);
      shade.colour = r.colour(s, where);
      spec.shades.push_back(std::move(shade));
    }
  }
  if (const json* panels = r.array(j, "panels", "", kMaxPanels)) {
    for (std::size_t i = 0; i < panels->size(); ++i) {
      const std::string where = "panels[" + std::to_string(i) + "].";
      const json& p = (*panels)[i];
      if (!r.object(p, where)) continue;
      domain::PlotPanel panel;
      panel.y_label = r.text(p, "y_label", where, false);
      panel.y_min = r.number(p, "y_min", where, false);
      panel.y_max = r.number(p, "y_max", where, false);
      if (panel.y_min && panel.y_max && !(*panel.y_max > *panel.y_min)) {
        r.problems.push_back(where + "y_max: not above y_min");
      }
      if (const json* lines = r.array(p, "lines", where, kMaxLines)) {
        for (std::size_t k = 0; k < lines->size(); ++k) {
          const std::string lw = where + "lines[" + std::to_string(k) + "].";
          const json& l = (*lines)[k];
          if (!r.object(l, lw)) continue;
          domain::PlotLine line;
          line.name = r.text(l, "name", lw, true);
          line.colour = r.colour(l, lw);
          line.x = r.numbers(l, "x", lw, false);
          line.y = r.numbers(l, "y", lw, true);
          if (line.x.size() != line.y.size()) {
            r.problems.push_back(lw + "y: " + std::to_string(line.y.size()) + " values for " +
                                 std::to_string(line.x.size()) + " x values");
          }
          panel.lines.push_back(std::move(line));
        }
      }
      spec.panels.push_back(std::move(panel));
    }
  }
  if (const json* categories = r.array(j, "categories", "", kMaxCategories)) {
    for (std::size_t i = 0; i < categories->size(); ++i) {
      if ((*categories)[i].is_string() && (*categories)[i].get<std::string>().size() <= 40) {
        spec.categories.push_back((*categories)[i].get<std::string>());
      } else {
        r.problems.push_back("categories[" + std::to_string(i) + "]: not a short string");
      }
    }
  }
  if (const json* bars = r.array(j, "bars", "", kMaxBarSeries)) {
    for (std::size_t i = 0; i < bars->size(); ++i) {
      const std::string where = "bars[" + std::to_string(i) + "].";
      const json& b = (*bars)[i];
      if (!r.object(b, where)) continue;
      domain::PlotBarSeries series;
      series.name = r.text(b, "name", where, true);
      series.colour = r.colour(b, where);
      series.values = r.numbers(b, "values", where, false);
      if (series.values.size() != spec.categories.size()) {
        r.problems.push_back(where + "values: " + std::to_string(series.values.size()) +
                             " values for " + std::to_string(spec.categories.size()) +
                             " categories");
      }
      spec.bars.push_back(std::move(series));
    }
  }
  if (spec.kind == PlotSpec::Kind::kLines && spec.panels.empty()) {
    r.problems.push_back("panels: a line chart needs at least one panel");
  }
  if (spec.kind == PlotSpec::Kind::kBars && spec.categories.empty()) {
    r.problems.push_back("categories: a bar chart needs at least one category");
  }
  if (!r.problems.empty()) {
    std::string all;
    for (const auto& p : r.problems)
      all += (all.empty() ? "" : "; ") + p;
    return Error::invalid("chart description: " + all);
  }
  return spec;
}

Result<PlotSpec> plot_spec_from_text(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error::invalid("chart description: not valid JSON");
  return plot_spec_from_json(j);
}

}  // namespace sb::adapters
