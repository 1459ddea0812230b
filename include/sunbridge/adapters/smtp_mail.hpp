// SPDX-License-Identifier: Apache-2.0
// E-mail through libcurl's SMTP client (docs/reports.md "E-mail"): a text part and attachments
// (the chart), TLS for any server that is not on this machine (smtps:// or STARTTLS required),
// the password never in a message or log. Blocking: call it from a worker thread.
#pragma once

#include <string>
#include <vector>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/result.hpp"

namespace sb::adapters {

struct MailAttachment {
  std::string file_name;     // "sunbridge-day-2026-12-01.png"
  std::string content_type;  // "image/png"
  std::string data;
};

struct MailMessage {
  std::string subject;
  std::string text;  // plain text, UTF-8
  std::vector<MailAttachment> attachments;
};

// Sends `message` to every address in `server.to`. Errors are values: disconnected (cannot
// reach the server: retry later), timeout, invalid (refused: login, address), io.
Status send_mail(const EmailConfig& server, const MailMessage& message, WallTime now);

}  // namespace sb::adapters
