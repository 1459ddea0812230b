// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/core/log.hpp"

#include <cstdio>
#include <cstdlib>

namespace sb {

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "debug") return LogLevel::kDebug;
  if (text == "info") return LogLevel::kInfo;
  if (text == "warning" || text == "warn") return LogLevel::kWarning;
  if (text == "error") return LogLevel::kError;
  return std::nullopt;
}

const char* to_string(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}

Logger::Logger(LogLevel min_level)
    : min_level_(min_level), journal_prefixes_(std::getenv("JOURNAL_STREAM") != nullptr) {}

Logger::Logger(LogLevel min_level, Sink sink) : min_level_(min_level), sink_(std::move(sink)) {}

void Logger::log(LogLevel level, std::string_view component, std::string_view message) {
  if (!enabled(level)) return;
  std::lock_guard lock(mu_);
  if (sink_) {
    sink_(level, component, message);
    return;
  }
  // sd-daemon(3) priorities: 7 debug, 6 info, 4 warning, 3 error.
  static constexpr int kPriority[] = {7, 6, 4, 3};
  if (journal_prefixes_) {
    std::fprintf(stderr, "<%d>%.*s: %.*s\n", kPriority[static_cast<int>(level)],
                 static_cast<int>(component.size()), component.data(),
                 static_cast<int>(message.size()), message.data());
  } else {
    std::fprintf(stderr, "%s %.*s: %.*s\n", to_string(level), static_cast<int>(component.size()),
                 component.data(), static_cast<int>(message.size()), message.data());
  }
  std::fflush(stderr);
}

}  // namespace sb
