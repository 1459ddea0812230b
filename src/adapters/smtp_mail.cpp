// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/smtp_mail.hpp"

#include <curl/curl.h>

#include <ctime>
#include <memory>

#include "sunbridge/adapters/curl_global.hpp"
#include "sunbridge/adapters/urls.hpp"

namespace sb::adapters {

namespace {

// RFC 5322 date, "Wed, 02 Dec 2026 08:30:00 +0000".
std::string mail_date(WallTime now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

// A header value on one line: a subject from an event message must not add headers.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

// "Name <a@b>" or "a@b" -> "<a@b>", the envelope form.
std::string envelope(const std::string& address) {
  const auto open = address.find('<');
  const auto close = address.find('>', open == std::string::npos ? 0 : open);
  if (open != std::string::npos && close != std::string::npos) {
    return address.substr(open, close - open + 1);
  }
  return "<" + address + ">";
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct MimeDeleter {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

Status send_mail(const EmailConfig& server, const MailMessage& message, WallTime now) {
  curl_global_init_once();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Error::io(0, "libcurl: cannot create a handle");
  CURL* c = curl.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, server.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(server.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
  // smtp:// upgrades with STARTTLS, and must, unless the server is on this machine.
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   is_loopback_url(server.url) ? CURLUSESSL_TRY : CURLUSESSL_ALL);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!server.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, server.ca_file.c_str());
  if (!server.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, server.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, server.password.c_str());
  }
  const std::string from = envelope(server.from);
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  std::unique_ptr<curl_slist, SlistDeleter> recipients;
  std::string to_header;
  for (const auto& to : server.to) {
    recipients.reset(curl_slist_append(recipients.release(), envelope(to).c_str()));
    to_header += (to_header.empty() ? "" : ", ") + to;
  }
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  const std::vector<std::string> header_lines = {
      "Date: " + mail_date(now), "From: " + one_line(server.from), "To: " + one_line(to_header),
      "Subject: " + one_line(message.subject), "X-Mailer: sunbridge"};
  for (const auto& h : header_lines)
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  std::unique_ptr<curl_mime, MimeDeleter> mime(curl_mime_init(c));
  curl_mimepart* text = curl_mime_addpart(mime.get());
  curl_mime_data(text, message.text.data(), message.text.size());
  curl_mime_type(text, "text/plain; charset=utf-8");
  curl_mime_encoder(text, "quoted-printable");
  for (const auto& a : message.attachments) {
    curl_mimepart* part = curl_mime_addpart(mime.get());
    curl_mime_data(part, a.data.data(), a.data.size());
    curl_mime_type(part, a.content_type.c_str());
    curl_mime_filename(part, a.file_name.c_str());
    curl_mime_encoder(part, "base64");
  }
  curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());

  const CURLcode rc = curl_easy_perform(c);
  long reply_code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply_code);
  const std::string what = "e-mail via " + server.url + ": " +
                           (errbuf[0] != 0 ? std::string(errbuf) : curl_easy_strerror(rc));
  switch (rc) {
    case CURLE_OK:
      return {};
    case CURLE_OPERATION_TIMEDOUT:
      return Error::timeout(what);
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      return Error::disconnected(what);
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_PEER_FAILED_VERIFICATION:
      return Error::invalid(what);
    default:
      return Error::io(0, what + (reply_code ? " (server reply " + std::to_string(reply_code) + ")"
                                             : std::string()));
  }
}

}  // namespace sb::adapters
