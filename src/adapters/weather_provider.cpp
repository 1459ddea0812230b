// SPDX-License-Identifier: Apache-2.0
#include <cstdio>
#include <fstream>
#include <sstream>

#include "sunbridge/adapters/outbound.hpp"
#include "sunbridge/adapters/weather.hpp"

namespace sb::adapters {

namespace {

Result<domain::Forecast> parse_as(const std::string& format, std::string_view text,
                                  const WeatherSource& s) {
  return format == "jma" ? parse_jma(text, s.jma) : parse_open_meteo(text, s.open_meteo);
}

class HttpProvider final : public WeatherProvider {
 public:
  HttpProvider(WeatherSource source, std::string format, Outbound& outbound)
      : source_(std::move(source)), format_(std::move(format)), outbound_(outbound) {}
  Result<domain::Forecast> fetch(WallTime now) override {
    auto body = outbound_.get(source_.url, source_.http);
    if (!body) return body.error();
    auto f = parse_as(format_, *body, source_);
    if (f) f->fetched_at = now;
    if (f && f->issued_at == WallTime{}) f->issued_at = now;
    return f;
  }
  [[nodiscard]] std::string describe() const override { return format_ + " " + source_.url; }

 private:
  WeatherSource source_;
  std::string format_;
  Outbound& outbound_;
};

class FileProvider final : public WeatherProvider {
 public:
  explicit FileProvider(WeatherSource source) : source_(std::move(source)) {}
  Result<domain::Forecast> fetch(WallTime now) override {
    std::ifstream in(source_.path, std::ios::binary);
    if (!in) return Error::io(0, "cannot read forecast file " + source_.path);
    std::ostringstream text;
    text << in.rdbuf();
    auto f = parse_as(source_.format, text.str(), source_);
    if (f) f->fetched_at = now;
    if (f && f->issued_at == WallTime{}) f->issued_at = now;
    if (f) f->provider = "file";
    return f;
  }
  [[nodiscard]] std::string describe() const override {
    return "file " + source_.path + " (" + source_.format + ")";
  }

 private:
  WeatherSource source_;
};

}  // namespace

bool fetched_over_network(const WeatherSource& source) {
  return source.provider == "jma" || source.provider == "open-meteo";
}

std::unique_ptr<WeatherProvider> make_weather_provider(const WeatherSource& source,
                                                       Outbound& outbound) {
  if (fetched_over_network(source)) {
    return std::make_unique<HttpProvider>(source, source.provider, outbound);
  }
  if (source.provider == "file") return std::make_unique<FileProvider>(source);
  return nullptr;
}

}  // namespace sb::adapters
