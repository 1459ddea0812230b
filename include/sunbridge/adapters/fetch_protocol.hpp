// SPDX-License-Identifier: Apache-2.0
// What sunbridged and its helper sunbridge-fetch say to each other over a pipe (pure functions,
// bounds-checked, fuzzed). Each message is one line of JSON, then the raw bytes it announces
// (bodies and attachments are binary: a PNG chart, a compressed forecast never needs escaping).
//   request: {"op":"get","url":...,"timeout_s":20,"max_bytes":N,"user_agent":...}
//            {"op":"mail","now_ms":...,"server":{...},"subject":...,"text_bytes":N,
//             "attachments":[{"file_name":...,"content_type":...,"bytes":N}]} text attachments
//   reply:   {"ok":true,"bytes":N} body   or   {"ok":false,"kind":"timeout","code":0,
//            "retryable":true,"detail":...}
// A message whose announced sizes do not add up to exactly what follows is malformed.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/smtp_mail.hpp"
#include "sunbridge/adapters/weather.hpp"
#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/result.hpp"

namespace sb::adapters {

struct FetchGet {
  std::string url;
  HttpOptions options;
};

struct FetchMail {
  EmailConfig server;
  MailMessage message;
  WallTime now{};
};

using FetchRequest = std::variant<FetchGet, FetchMail>;

// The largest request or reply either side accepts: the body cap of a GET (HttpOptions) is
// at most this, and so is a mail with its attachments.
inline constexpr std::size_t kMaxFetchMessageBytes = 16u << 20;

std::string encode_fetch_request(const FetchRequest& request);
Result<FetchRequest> decode_fetch_request(std::string_view bytes);

// A GET's body or a mail's empty success, or the error, as the helper's reply.
std::string encode_fetch_reply(const Result<std::string>& outcome);
Result<std::string> decode_fetch_reply(std::string_view bytes);

}  // namespace sb::adapters
