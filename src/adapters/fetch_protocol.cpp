// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/fetch_protocol.hpp"

#include <limits>
#include <nlohmann/json.hpp>

namespace sb::adapters {

namespace {

using nlohmann::json;

// Our own strings are UTF-8, but a subject or URL is not trusted to be: replaced, never thrown.
std::string header_line(const json& header) {
  return header.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

// Reads the header line and leaves `rest` at the bytes after it.
Result<json> read_header(std::string_view bytes, std::string_view& rest) {
  if (bytes.size() > kMaxFetchMessageBytes) return Error::malformed("message too large");
  const auto newline = bytes.find('\n');
  if (newline == std::string_view::npos) return Error::malformed("no header line");
  json header = json::parse(bytes.substr(0, newline), nullptr, false);
  if (header.is_discarded() || !header.is_object()) {
    return Error::malformed("the header is not a JSON object");
  }
  rest = bytes.substr(newline + 1);
  return header;
}

// Typed field access: a missing or mistyped field is malformed, named.
class Fields {
 public:
  explicit Fields(const json& object) : object_(object) {}
  Result<std::string> text(const char* name) const {
    const auto it = object_.find(name);
    if (it == object_.end() || !it->is_string()) return missing(name, "a string");
    return it->get<std::string>();
  }
  Result<std::uint64_t> count(const char* name, std::uint64_t max) const {
    const auto it = object_.find(name);
    if (it == object_.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() > max) {
      return missing(name, "a whole number up to " + std::to_string(max));
    }
    return it->get<std::uint64_t>();
  }
  Result<std::int64_t> whole(const char* name) const {
    const auto it = object_.find(name);
    if (it == object_.end() || !it->is_number_integer()) return missing(name, "a whole number");
    return it->get<std::int64_t>();
  }
  Result<bool> flag(const char* name) const {
    const auto it = object_.find(name);
    if (it == object_.end() || !it->is_boolean()) return missing(name, "true or false");
    return it->get<bool>();
  }

 private:
  static Error missing(const char* name, const std::string& what) {
    return Error::malformed(std::string("\"") + name + "\": expected " + what);
  }
  const json& object_;
};

// Takes `n` bytes off the front of `rest`.
Result<std::string> take(std::string_view& rest, std::uint64_t n) {
  if (n > rest.size()) return Error::malformed("fewer bytes than announced");
  std::string out(rest.substr(0, n));
  rest.remove_prefix(n);
  return out;
}

constexpr std::uint64_t kMaxSeconds = 24 * 3600;
constexpr std::uint64_t kMaxNowMs = 4'102'444'800'000;  // 2100-01-01

Result<FetchRequest> decode_get(const Fields& f) {
  FetchGet get;
  auto url = f.text("url");
  auto timeout = f.count("timeout_s", kMaxSeconds);
  auto max_bytes = f.count("max_bytes", kMaxFetchMessageBytes);
  auto agent = f.text("user_agent");
  if (!url) return url.error();
  if (!timeout) return timeout.error();
  if (!max_bytes) return max_bytes.error();
  if (!agent) return agent.error();
  get.url = *url;
  get.options.timeout = std::chrono::seconds(*timeout);
  get.options.max_bytes = *max_bytes;
  get.options.user_agent = *agent;
  return FetchRequest{std::move(get)};
}

Result<FetchRequest> decode_mail(const json& header, const Fields& f, std::string_view rest) {
  FetchMail mail;
  // Within the clock's range (nanoseconds since 1970 overflow in 2262): up to the year 2100.
  auto now_ms = f.count("now_ms", kMaxNowMs);
  auto subject = f.text("subject");
  auto text_bytes = f.count("text_bytes", kMaxFetchMessageBytes);
  if (!now_ms) return now_ms.error();
  if (!subject) return subject.error();
  if (!text_bytes) return text_bytes.error();
  mail.now = WallTime(std::chrono::milliseconds(static_cast<std::int64_t>(*now_ms)));
  mail.message.subject = *subject;
  const auto server = header.find("server");
  if (server == header.end() || !server->is_object()) {
    return Error::malformed("\"server\": expected an object");
  }
  const Fields s(*server);
  EmailConfig& e = mail.server;
  for (auto [name, into] :
       {std::pair{"url", &e.url}, std::pair{"from", &e.from}, std::pair{"username", &e.username},
        std::pair{"password", &e.password}, std::pair{"ca_file", &e.ca_file}}) {
    auto v = s.text(name);
    if (!v) return v.error();
    *into = *v;
  }
  auto timeout = s.count("timeout_s", kMaxSeconds);
  if (!timeout) return timeout.error();
  e.timeout = std::chrono::seconds(*timeout);
  e.enabled = true;
  const auto to = server->find("to");
  if (to == server->end() || !to->is_array()) return Error::malformed("\"to\": expected a list");
  for (const auto& address : *to) {
    if (!address.is_string()) return Error::malformed("\"to\": expected strings");
    e.to.push_back(address.get<std::string>());
  }
  auto text = take(rest, *text_bytes);
  if (!text) return text.error();
  mail.message.text = std::move(*text);
  const auto attachments = header.find("attachments");
  if (attachments == header.end() || !attachments->is_array()) {
    return Error::malformed("\"attachments\": expected a list");
  }
  for (const auto& a : *attachments) {
    if (!a.is_object()) return Error::malformed("\"attachments\": expected objects");
    const Fields af(a);
    auto name = af.text("file_name");
    auto type = af.text("content_type");
    auto bytes = af.count("bytes", kMaxFetchMessageBytes);
    if (!name) return name.error();
    if (!type) return type.error();
    if (!bytes) return bytes.error();
    auto data = take(rest, *bytes);
    if (!data) return data.error();
    mail.message.attachments.push_back({*name, *type, std::move(*data)});
  }
  if (!rest.empty()) return Error::malformed("more bytes than announced");
  return FetchRequest{std::move(mail)};
}

Result<ErrorKind> kind_named(std::string_view name) {
  for (ErrorKind k :
       {ErrorKind::kTimeout, ErrorKind::kCrc, ErrorKind::kException, ErrorKind::kMalformed,
        ErrorKind::kDisconnected, ErrorKind::kUnsupported, ErrorKind::kInvalid, ErrorKind::kIo}) {
    if (name == to_string(k)) return k;
  }
  return Error::malformed("unknown error kind");
}

}  // namespace

std::string encode_fetch_request(const FetchRequest& request) {
  if (const auto* get = std::get_if<FetchGet>(&request)) {
    return header_line({{"op", "get"},
                        {"url", get->url},
                        {"timeout_s", get->options.timeout.count()},
                        {"max_bytes", get->options.max_bytes},
                        {"user_agent", get->options.user_agent}});
  }
  const auto& mail = std::get<FetchMail>(request);
  const EmailConfig& e = mail.server;
  json attachments = json::array();
  for (const auto& a : mail.message.attachments) {
    attachments.push_back(
        {{"file_name", a.file_name}, {"content_type", a.content_type}, {"bytes", a.data.size()}});
  }
  std::string out = header_line(
      {{"op", "mail"},
       {"now_ms",
        std::chrono::duration_cast<std::chrono::milliseconds>(mail.now.time_since_epoch()).count()},
       {"server",
        {{"url", e.url},
         {"from", e.from},
         {"to", e.to},
         {"username", e.username},
         {"password", e.password},
         {"ca_file", e.ca_file},
         {"timeout_s", e.timeout.count()}}},
       {"subject", mail.message.subject},
       {"text_bytes", mail.message.text.size()},
       {"attachments", std::move(attachments)}});
  out += mail.message.text;
  for (const auto& a : mail.message.attachments)
    out += a.data;
  return out;
}

Result<FetchRequest> decode_fetch_request(std::string_view bytes) {
  std::string_view rest;
  auto header = read_header(bytes, rest);
  if (!header) return header.error();
  const Fields f(*header);
  auto op = f.text("op");
  if (!op) return op.error();
  if (*op == "get") {
    if (!rest.empty()) return Error::malformed("a GET carries no bytes");
    return decode_get(f);
  }
  if (*op == "mail") return decode_mail(*header, f, rest);
  return Error::malformed("\"op\": expected get or mail");
}

std::string encode_fetch_reply(const Result<std::string>& outcome) {
  if (outcome) return header_line({{"ok", true}, {"bytes", outcome->size()}}) + *outcome;
  const Error& e = outcome.error();
  return header_line({{"ok", false},
                      {"kind", to_string(e.kind)},
                      {"code", e.code},
                      {"retryable", e.retryable()},
                      {"detail", e.detail}});
}

Result<std::string> decode_fetch_reply(std::string_view bytes) {
  std::string_view rest;
  auto header = read_header(bytes, rest);
  if (!header) return header.error();
  const Fields f(*header);
  auto ok = f.flag("ok");
  if (!ok) return ok.error();
  if (*ok) {
    auto n = f.count("bytes", kMaxFetchMessageBytes);
    if (!n) return n.error();
    if (*n != rest.size()) return Error::malformed("the body is not the announced size");
    return std::string(rest);
  }
  if (!rest.empty()) return Error::malformed("a failure carries no bytes");
  auto kind = f.text("kind");
  auto code = f.whole("code");
  auto retryable = f.flag("retryable");
  auto detail = f.text("detail");
  if (!kind) return kind.error();
  if (!code) return code.error();
  if (!retryable) return retryable.error();
  if (!detail) return detail.error();
  auto k = kind_named(*kind);
  if (!k) return k.error();
  if (*code < std::numeric_limits<int>::min() || *code > std::numeric_limits<int>::max()) {
    return Error::malformed("\"code\": out of range");
  }
  Error e;
  e.kind = *k;
  e.code = static_cast<int>(*code);
  e.detail = *detail;
  e.retry = *retryable ? Retry::kRetryable : Retry::kPermanent;
  return e;
}

}  // namespace sb::adapters
