// SPDX-License-Identifier: Apache-2.0
#include "bench/outbox.hpp"

#include "bench/broker.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/mqtt_client.hpp"
#include "sunbridge/adapters/outbox.hpp"
#include "testkit/process.hpp"

namespace sb::bench {

namespace {

std::uintmax_t db_bytes(const std::string& path) {
  std::uintmax_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    auto n = std::filesystem::file_size(path + suffix, ec);
    if (!ec) total += n;
  }
  return total;
}

// A telemetry body of the size the daemon records (about 60 inverter points).
nlohmann::json sample_body(std::int64_t i) {
  nlohmann::json points = nlohmann::json::object();
  for (int k = 0; k < 60; ++k)
    points["inverter.value." + std::to_string(k)] = 1000.0 + k + i % 7;
  return {{"ts", "2026-11-22T01:02:03.000Z"}, {"points", points}};
}

}  // namespace

int run_outbox(const OutboxOptions& o) {
  testkit::TempDir dir("sunbridge-bench");
  LoopbackBroker broker(dir, o.mosquitto);
  if (!broker.wait_listening()) {
    std::fprintf(stderr, "sunbridge-bench: mosquitto did not start (%s)\n", broker.log().c_str());
    return 1;
  }

  const std::string path = dir.file("outbox.db");
  adapters::HistoryStore store(path);
  adapters::Outbox box(store.db());
  const auto empty_bytes = db_bytes(path);
  const auto fill_start = std::chrono::steady_clock::now();
  (void)store.db().exec("BEGIN");
  for (std::int64_t i = 0; i < o.records; ++i) {
    (void)box.append("bench/dev/telemetry", "telemetry", sample_body(i), WallTime{});
  }
  (void)store.db().exec("COMMIT");
  const double fill_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - fill_start).count();
  const auto full_bytes = db_bytes(path);

  EventLoop loop;
  Logger log(LogLevel::kWarning, [](LogLevel, std::string_view c, std::string_view m) {
    std::cerr << c << ": " << m << "\n";
  });
  adapters::MqttSettings s;
  s.url = broker.url();
  s.client_id = "bench";
  adapters::MqttClient client(s, loop, log);
  std::int64_t sent_upto = 0, acked = 0, payload_bytes = 0;
  int inflight = 0;
  std::chrono::steady_clock::time_point start{};
  std::function<void()> drain = [&] {
    while (inflight < o.max_inflight) {
      auto rows = box.oldest(sent_upto, o.max_inflight - inflight);
      if (!rows || rows->empty()) return;
      for (const auto& r : *rows) {
        const std::string payload = r.payload();
        payload_bytes += static_cast<std::int64_t>(payload.size());
        const std::int64_t seq = r.seq;
        if (!client.publish(r.topic, payload, 1, false, [&, seq](const Status& outcome) {
              --inflight;
              if (outcome.ok()) {
                (void)box.remove(seq);  // one commit per acknowledgement, as the daemon does
                if (++acked == o.records) loop.stop();
              }
              drain();
            })) {
          return;
        }
        sent_upto = seq;
        ++inflight;
      }
    }
  };
  client.on_connected([&] {
    start = std::chrono::steady_clock::now();
    drain();
  });
  client.start();
  loop.schedule_after(std::chrono::minutes(10), [&] { loop.stop(); });
  loop.run();
  const double drain_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double per_record =
      static_cast<double>(full_bytes - empty_bytes) / static_cast<double>(o.records);
  const double rate = static_cast<double>(acked) / drain_s;
  if (o.json) {
    std::cout << nlohmann::json{{"records", o.records},
                                {"acknowledged", acked},
                                {"drain_s", drain_s},
                                {"messages_per_s", rate},
                                {"payload_bytes_mean",
                                 payload_bytes / std::max<std::int64_t>(acked, 1)},
                                {"disk_bytes_per_record", per_record},
                                {"fill_s", fill_s}}
                     .dump(2)
              << "\n";
  } else {
    std::printf("outbox drain, QoS 1 to mosquitto on 127.0.0.1, %d in flight\n", o.max_inflight);
    std::printf("  records             %lld (acknowledged %lld)\n",
                static_cast<long long>(o.records), static_cast<long long>(acked));
    std::printf("  drain               %.2f s = %.0f messages/s\n", drain_s, rate);
    std::printf("  payload             %lld bytes per message (mean)\n",
                static_cast<long long>(payload_bytes / std::max<std::int64_t>(acked, 1)));
    std::printf("  disk                %.0f bytes per stored record (database + WAL growth)\n",
                per_record);
    std::printf("  fill                %.2f s for %lld records in one transaction\n", fill_s,
                static_cast<long long>(o.records));
  }
  return acked == o.records ? 0 : 1;
}

}  // namespace sb::bench
