// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/web/server.hpp"

#include <httplib.h>
#include <openssl/crypto.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

#include "sunbridge/adapters/web/assets.hpp"
#include "sunbridge/adapters/web/auth.hpp"
#include "sunbridge/adapters/web/requests.hpp"
#include "sunbridge/core/version.hpp"

namespace sb::adapters::web {

using nlohmann::json;

namespace {

constexpr const char* kComponent = "web";
constexpr const char* kJson = "application/json";
constexpr const char* kCookie = "sb_session";
// How long a page request waits for the loop (a history query over months takes a while on a
// Pi); the stream's keep-alive comment interval, which also finds vanished clients.
constexpr auto kLoopTimeout = std::chrono::seconds(30);
constexpr auto kStreamKeepAlive = std::chrono::seconds(15);

// No inline script or style anywhere (the page sets styles through the DOM only), no framing,
// nothing loaded from elsewhere.
const httplib::Headers kSecurityHeaders = {
    {"Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
     "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
    {"X-Frame-Options", "DENY"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
};

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), kJson);
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, {{"ok", false}, {"error", message}});
}

std::string cookie_value(const httplib::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  std::size_t pos = 0;
  while (pos < header.size()) {
    const std::size_t end = std::min(header.find(';', pos), header.size());
    std::string_view part(header.data() + pos, end - pos);
    while (!part.empty() && part.front() == ' ')
      part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    pos = end + 1;
  }
  return {};
}

}  // namespace

struct WebServer::Impl {
  HttpConfig config;
  WebBackend backend;
  LiveFeed& feed;
  Logger& log;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::atomic<int> streams{0};
  Sessions sessions;
  LoginLimiter limiter;
  std::optional<PasswordHash> password;
  std::string etag;

  Impl(const HttpConfig& c, WebBackend b, LiveFeed& f, Logger& l)
      : config(c),
        backend(std::move(b)),
        feed(f),
        log(l),
        sessions(std::chrono::duration_cast<std::chrono::seconds>(c.session_lifetime)) {
    if (!config.password_hash.empty()) password = parse_password_hash(config.password_hash);
    etag = "\"" + std::string(sb::version()) + "-" + std::string(sb::revision()) + "\"";
  }

  // The loop's answer to `request`, or nullopt when it does not come in time (or the server is
  // stopping: the loop may already be gone).
  std::optional<json> ask(json request) {
    auto promise = std::make_shared<std::promise<json>>();
    auto answered = std::make_shared<std::atomic<bool>>(false);
    std::future<json> answer = promise->get_future();
    backend.submit(std::move(request), [promise, answered](json reply) {
      if (!answered->exchange(true)) promise->set_value(std::move(reply));
    });
    const auto deadline = std::chrono::steady_clock::now() + kLoopTimeout;
    while (!stopping.load()) {
      if (answer.wait_for(std::chrono::milliseconds(100)) == std::future_status::ready) {
        return answer.get();
      }
      if (std::chrono::steady_clock::now() > deadline) break;
    }
    return std::nullopt;
  }

  // Asks the loop and sends its answer: 200, or `refused` with the daemon's reason.
  void relay(httplib::Response& res, json request, int refused = 400,
             std::size_t downsample_to = 0) {
    auto reply = ask(std::move(request));
    if (!reply) {
      // A change may still be made after this (it waits behind the inverter's current work).
      return send_error(res, 503,
                        refused == 409 ? "the daemon did not answer in time; the change may "
                                         "still be written: see the changes written"
                                       : "the daemon did not answer in time");
    }
    if (downsample_to > 0) *reply = downsample_history(std::move(*reply), downsample_to);
    send_json(res, reply->value("ok", false) ? 200 : refused, *reply);
  }

  void get_api(httplib::Response& res, const Result<json>& request) {
    if (!request) return send_error(res, 400, request.error().detail);
    relay(res, *request);
  }

  std::optional<Sessions::Session> session_of(const httplib::Request& req) {
    const std::string token = cookie_value(req, kCookie);
    if (token.empty()) return std::nullopt;
    return sessions.find(token, std::chrono::steady_clock::now());
  }

  // A state-changing request must come from this page: same origin when the browser says, the
  // session's cookie (SameSite=Strict) and its CSRF token in a header no other site can set.
  bool same_origin(const httplib::Request& req) {
    const std::string origin = req.get_header_value("Origin");
    if (origin.empty()) return true;
    const std::string scheme = config.tls_cert_file.empty() ? "http://" : "https://";
    return origin == scheme + req.get_header_value("Host");
  }

  std::optional<Sessions::Session> authorised(const httplib::Request& req, httplib::Response& res) {
    if (!config.control) {
      send_error(res, 403, "the dashboard is read-only (http.control is off)");
      return std::nullopt;
    }
    if (!same_origin(req)) {
      send_error(res, 403, "request from another site refused");
      return std::nullopt;
    }
    auto s = session_of(req);
    if (!s) {
      send_error(res, 401, "log in first");
      return std::nullopt;
    }
    const std::string csrf = req.get_header_value("X-CSRF-Token");
    // Compared in constant time: how long a refusal takes tells nothing of the token.
    if (csrf.size() != s->csrf.size() ||
        CRYPTO_memcmp(csrf.data(), s->csrf.data(), csrf.size()) != 0) {
      send_error(res, 403, "missing or wrong CSRF token");
      return std::nullopt;
    }
    return s;
  }

  void login(const httplib::Request& req, httplib::Response& res) {
    if (!config.control || !password) {
      return send_error(res, 403, "the dashboard is read-only (http.control is off)");
    }
    if (!same_origin(req)) return send_error(res, 403, "request from another site refused");
    const auto now = std::chrono::steady_clock::now();
    if (const auto wait = limiter.wait(req.remote_addr, now); wait.count() > 0) {
      res.set_header("Retry-After", std::to_string(wait.count()));
      return send_error(
          res, 429,
          "too many wrong passwords: try again in " + std::to_string(wait.count()) + " s");
    }
    auto pw = login_password(req.body);
    if (!pw) return send_error(res, 400, pw.error().detail);
    if (!verify_password(*pw, *password)) {
      limiter.failed(req.remote_addr, now);
      log.warn(kComponent, "wrong dashboard password from " + req.remote_addr);
      return send_error(res, 401, "wrong password");
    }
    limiter.succeeded(req.remote_addr);
    const auto s = sessions.open(now);
    std::string cookie =
        std::string(kCookie) + "=" + s.token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
        std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(config.session_lifetime).count());
    if (!config.tls_cert_file.empty()) cookie += "; Secure";
    res.set_header("Set-Cookie", cookie);
    log.info(kComponent, "dashboard login from " + req.remote_addr);
    send_json(res, 200, {{"ok", true}, {"csrf", s.csrf}});
  }

  void control(const httplib::Request& req, httplib::Response& res, const Result<json>& request) {
    if (!authorised(req, res)) return;
    if (!request) return send_error(res, 400, request.error().detail);
    log.info(kComponent, "dashboard control from " + req.remote_addr + ": " +
                             request->value("cmd", std::string()));
    relay(res, *request, 409);
  }

  void stream(const httplib::Request& req, httplib::Response& res) {
    if (streams.fetch_add(1) >= config.max_live_clients) {
      streams.fetch_sub(1);
      return send_error(res, 503, "too many live views open");
    }
    feed.attach();
    // A reconnect resumes after the last value it saw; a new view starts with the newest.
    std::uint64_t after = 0;
    if (auto id = parse_last_event_id(req.get_header_value("Last-Event-ID"))) {
      after = *id;
    } else {
      const std::uint64_t last = feed.last_id();
      after = last > 0 ? last - 1 : 0;
    }
    res.set_header("Cache-Control", "no-store");
    auto position = std::make_shared<std::uint64_t>(after);
    auto first = std::make_shared<bool>(true);
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, position, first](std::size_t, httplib::DataSink& sink) {
          if (*first) {
            *first = false;
            const std::string hello = "retry: 2000\n\n";
            if (!sink.write(hello.data(), hello.size())) return false;
          }
          auto messages =
              feed.wait_after(*position, std::chrono::steady_clock::now() + kStreamKeepAlive);
          if (stopping.load() || feed.closed()) return false;
          std::string out;
          for (const auto& m : messages) {
            out += "id: " + std::to_string(m.id) + "\nevent: status\ndata: " + *m.data + "\n\n";
            *position = m.id;
          }
          if (out.empty()) out = ": keep-alive\n\n";
          return sink.write(out.data(), out.size());
        },
        [this](bool) {
          feed.detach();
          streams.fetch_sub(1);
        });
  }

  void asset(const httplib::Request& req, httplib::Response& res, const Asset& a) {
    res.set_header("Cache-Control", "no-cache");
    res.set_header("ETag", etag);
    if (req.get_header_value("If-None-Match") == etag) {
      res.status = 304;
      return;
    }
    if (!a.gzipped) {
      // Compressed on the way out by the server when the browser takes it (small files).
      res.set_content(std::string(a.body), std::string(a.content_type).c_str());
      return;
    }
    if (req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos) {
      // Served as stored. The content type is one the server leaves alone (it would compress
      // a second time otherwise).
      res.set_header("Content-Encoding", "gzip");
      res.set_header("Vary", "Accept-Encoding");
      res.set_content(std::string(a.body), std::string(a.content_type).c_str());
    } else {
      res.set_content(gunzip(a.body), std::string(a.content_type).c_str());
    }
  }

  void routes() {
    httplib::Server& s = *server;
    s.set_default_headers(kSecurityHeaders);
    for (const Asset& a : assets()) {
      const Asset* ap = &a;
      s.Get(std::string(a.path), [this, ap](const httplib::Request& req, httplib::Response& res) {
        asset(req, res, *ap);
      });
    }
    s.Get("/", [this](const httplib::Request& req, httplib::Response& res) {
      asset(req, res, *find_asset("/index.html"));
    });
    s.Get("/api/v1/snapshot", [this](const httplib::Request& req, httplib::Response& res) {
      if (!req.params.empty()) return send_error(res, 400, "snapshot takes no parameters");
      relay(res, {{"cmd", "status"}});
    });
    s.Get("/api/v1/battery", [this](const httplib::Request&, httplib::Response& res) {
      relay(res, {{"cmd", "battery"}});
    });
    s.Get("/api/v1/checks", [this](const httplib::Request&, httplib::Response& res) {
      relay(res, {{"cmd", "checks"}});
    });
    s.Get("/api/v1/profile", [this](const httplib::Request&, httplib::Response& res) {
      relay(res, {{"cmd", "profile.show"}});
    });
    s.Get("/api/v1/history", [this](const httplib::Request& req, httplib::Response& res) {
      auto request = history_request(req.params);
      if (!request) return send_error(res, 400, request.error().detail);
      const auto max_points = (*request)["max_points"].get<std::size_t>();
      request->erase("max_points");
      relay(res, *request, 400, max_points);
    });
    s.Get("/api/v1/events", [this](const httplib::Request& req, httplib::Response& res) {
      get_api(res, events_request(req.params));
    });
    s.Get("/api/v1/audit", [this](const httplib::Request& req, httplib::Response& res) {
      get_api(res, audit_request(req.params));
    });
    s.Get("/api/v1/chart", [this](const httplib::Request& req, httplib::Response& res) {
      get_api(res, chart_request(req.params));
    });
    s.Get("/api/v1/report", [this](const httplib::Request& req, httplib::Response& res) {
      get_api(res, report_request(req.params));
    });
    s.Get("/api/v1/stream",
          [this](const httplib::Request& req, httplib::Response& res) { stream(req, res); });
    s.Get("/api/v1/session", [this](const httplib::Request& req, httplib::Response& res) {
      json out = {{"ok", true}, {"control", config.control}, {"logged_in", false}};
      if (auto sess = session_of(req)) {
        out["logged_in"] = true;
        out["csrf"] = sess->csrf;
      }
      send_json(res, 200, out);
    });
    s.Post("/api/v1/login",
           [this](const httplib::Request& req, httplib::Response& res) { login(req, res); });
    s.Post("/api/v1/logout", [this](const httplib::Request& req, httplib::Response& res) {
      if (!authorised(req, res)) return;
      sessions.close(cookie_value(req, kCookie));
      res.set_header("Set-Cookie", std::string(kCookie) + "=; Path=/; Max-Age=0");
      send_json(res, 200, {{"ok", true}});
    });
    s.Post("/api/v1/control/param", [this](const httplib::Request& req, httplib::Response& res) {
      control(req, res, param_request(req.body));
    });
    s.Post("/api/v1/control/override", [this](const httplib::Request& req, httplib::Response& res) {
      control(req, res, override_request(req.body));
    });
    s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (res.body.empty()) {
        send_json(
            res, res.status,
            {{"ok", false}, {"error", res.status == 404 ? "no such page" : "request refused"}});
      }
    });
    s.set_exception_handler(
        [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
          std::string what = "unknown";
          try {
            std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          log.error(kComponent, "request " + req.path + " failed: " + what);
          send_error(res, 500, "internal error");
        });
  }
};

WebServer::WebServer(const HttpConfig& config, WebBackend backend, LiveFeed& feed, Logger& log)
    : impl_(std::make_unique<Impl>(config, std::move(backend), feed, log)) {
  if (!config.tls_cert_file.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(config.tls_cert_file.c_str(),
                                                    config.tls_key_file.c_str());
    if (!tls->is_valid()) {
      throw std::runtime_error("http.tls: cannot load the certificate " + config.tls_cert_file +
                               " with its key " + config.tls_key_file);
    }
    impl_->server = std::move(tls);
  } else {
    impl_->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& s = *impl_->server;
  // Page and API requests, plus one thread per open live view.
  const std::size_t pool =
      static_cast<std::size_t>(config.threads) + static_cast<std::size_t>(config.max_live_clients);
  s.new_task_queue = [pool] { return new httplib::ThreadPool(pool); };
  s.set_read_timeout(std::chrono::seconds(5));
  s.set_write_timeout(std::chrono::seconds(5));
  s.set_keep_alive_timeout(2);
  s.set_keep_alive_max_count(20);
  s.set_payload_max_length(16 * 1024);
  impl_->routes();
  if (!s.bind_to_port(config.host, config.port)) {
    throw std::runtime_error("http.listen: cannot listen on " + config.host + ":" +
                             std::to_string(config.port) +
                             " (in use, or not an address of this machine)");
  }
  impl_->thread = std::thread([this] { impl_->server->listen_after_bind(); });
  log.info(kComponent,
           "dashboard at " + url() + (config.control ? " (control after login)" : " (read-only)"));
}

WebServer::~WebServer() {
  impl_->stopping.store(true);
  impl_->feed.close();
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string WebServer::url() const {
  const std::string scheme = impl_->config.tls_cert_file.empty() ? "http://" : "https://";
  const std::string& h = impl_->config.host;
  const std::string host = h.find(':') != std::string::npos ? "[" + h + "]" : h;
  return scheme + host + ":" + std::to_string(impl_->config.port) + "/";
}

}  // namespace sb::adapters::web
