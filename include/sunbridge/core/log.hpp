// SPDX-License-Identifier: Apache-2.0
// Plain line logger passed by reference to whoever logs (no global logger). Under systemd the
// lines carry sd-daemon priority prefixes so the journal keeps levels.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace sb {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

std::optional<LogLevel> parse_log_level(std::string_view text);
const char* to_string(LogLevel level);

class Logger {
 public:
  using Sink = std::function<void(LogLevel, std::string_view component, std::string_view message)>;

  // Writes to stderr; `journal_prefixes` adds "<N>" priorities (auto-detected from JOURNAL_STREAM).
  explicit Logger(LogLevel min_level = LogLevel::kInfo);
  // Writes to a custom sink (tests capture lines this way).
  Logger(LogLevel min_level, Sink sink);

  void log(LogLevel level, std::string_view component, std::string_view message);
  void debug(std::string_view component, std::string_view message) {
    log(LogLevel::kDebug, component, message);
  }
  void info(std::string_view component, std::string_view message) {
    log(LogLevel::kInfo, component, message);
  }
  void warn(std::string_view component, std::string_view message) {
    log(LogLevel::kWarning, component, message);
  }
  void error(std::string_view component, std::string_view message) {
    log(LogLevel::kError, component, message);
  }
  [[nodiscard]] bool enabled(LogLevel level) const { return level >= min_level_; }
  void set_level(LogLevel level) { min_level_ = level; }

 private:
  LogLevel min_level_;
  Sink sink_;
  bool journal_prefixes_ = false;
  std::mutex mu_;
};

}  // namespace sb
