// SPDX-License-Identifier: Apache-2.0
// sunbridge: the homeowner's and installer's command line. Talks to sunbridged over its control
// socket; `doctor` also works without the daemon by reading the inverter directly.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <set>
#include <thread>

#include <CLI/CLI.hpp>

#include "cli/cli_context.hpp"
#include "cli/interrupt.hpp"
#include "cli/period.hpp"
#include "cli/plot_command.hpp"
#include "cli/render.hpp"
#include "cli/settings_commands.hpp"
#include "cli/setup.hpp"
#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/device_json.hpp"
#include "sunbridge/adapters/ipc_client.hpp"
#include "sunbridge/adapters/register_map_file.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/text.hpp"
#include "sunbridge/core/time_sync.hpp"
#include "sunbridge/core/version.hpp"
#include "sunbridge/device/inverter_survey.hpp"
#include "sunbridge/device/modbus_clients.hpp"
#include "sunbridge/device/solarman_client.hpp"
#include "sunbridge/transport/port_lock.hpp"

namespace {

using nlohmann::json;
using sb::cli::call;
using sb::cli::Context;

void use_site_timezone(const json& status) {
  // Show times in the site's zone, whatever the shell's TZ says.
  if (status.contains("daemon")) {
    (void)sb::set_process_timezone(status["daemon"].value("timezone", "Asia/Tokyo"));
  }
}

int cmd_status(const Context& ctx, bool as_json, bool all, double watch_s) {
  // --watch on a terminal redraws the screen in place: home, each line cleared to its end, and
  // whatever the last frame left below cleared (no scrolling, no flicker of a full clear).
  const bool redraw = watch_s > 0 && !as_json && isatty(STDOUT_FILENO) == 1;
  bool first_frame = true;
  for (;;) {
    auto status = call(ctx, {{"cmd", "status"}});
    if (!status) return 1;
    if (as_json) {
      std::cout << (*status)["points"].dump(2) << "\n";
    } else {
      use_site_timezone(*status);
      std::string frame =
          all ? sb::cli::render_status(*status) : sb::cli::render_status_screen(*status);
      if (redraw) {
        std::string drawn = first_frame ? "\033[H\033[2J" : "\033[H";
        first_frame = false;
        for (std::size_t at = 0, nl; (nl = frame.find('\n', at)) != std::string::npos; at = nl + 1)
          drawn += frame.substr(at, nl - at) + "\033[K\n";
        frame = drawn + "\033[J";
      } else if (watch_s > 0) {
        frame += "\n";  // a log of frames when the output is not a terminal
      }
      std::cout << frame;
    }
    std::cout.flush();
    if (watch_s <= 0) return 0;
    sb::cli::set_watching(true);
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(watch_s);
    while (std::chrono::steady_clock::now() < until) {
      if (sb::cli::interrupted()) return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

int cmd_params_get(const Context& ctx, const std::vector<std::string>& ids, bool as_json) {
  auto reply = call(ctx, {{"cmd", "params"}, {"ids", ids}});
  if (!reply) return 1;
  if (as_json) {
    json out = json::object();
    for (const auto& p : (*reply)["params"])
      out[p["name"].get<std::string>()] = p["point"];
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << sb::cli::render_params(*reply);
  }
  return 0;
}

int cmd_history(const Context& ctx, const sb::cli::Period& period, bool csv, bool as_json,
                const std::vector<std::string>& points, const std::string& resolution) {
  json request = {{"cmd", "history"}, {"points", points}, {"resolution", resolution}};
  if (!sb::cli::put_period(period, request)) return 2;
  auto reply = call(ctx, request, std::chrono::seconds(60));
  if (!reply) return 1;
  if (as_json) {
    std::cout << reply->dump(2) << "\n";
    return 0;
  }
  auto status = sb::adapters::ipc_call(ctx.socket, {{"cmd", "status"}});
  if (status) use_site_timezone(*status);
  std::cout << sb::cli::render_history(*reply, csv);
  // On stderr, so that a CSV export stays clean but nobody takes a cut export for the whole.
  if (reply->contains("note"))
    std::cerr << "sunbridge: " << (*reply)["note"].get<std::string>() << "\n";
  return 0;
}

int cmd_battery(const Context& ctx, bool cells, bool as_json) {
  auto reply = call(ctx, {{"cmd", "battery"}});
  if (!reply) return 1;
  if (as_json) {
    std::cout << (*reply)["points"].dump(2) << "\n";
    return 0;
  }
  auto status = sb::adapters::ipc_call(ctx.socket, {{"cmd", "status"}});
  if (status) use_site_timezone(*status);
  std::cout << sb::cli::render_battery(*reply, cells);
  return 0;
}

int cmd_pq(const Context& ctx, const sb::cli::Period& period, bool as_json) {
  json request = {{"cmd", "pq"}};
  if (!sb::cli::put_period(period, request)) return 2;
  auto reply = call(ctx, request);
  if (!reply) return 1;
  if (as_json) {
    reply->erase("ok");
    std::cout << reply->dump(2) << "\n";
    return 0;
  }
  auto status = sb::adapters::ipc_call(ctx.socket, {{"cmd", "status"}});
  if (status) use_site_timezone(*status);
  std::cout << sb::cli::render_pq(*reply);
  return 0;
}

int cmd_report(const Context& ctx, const std::string& period, const std::string& date, bool as_json,
               bool csv, bool mail) {
  if (mail) {
    // Drawing the chart and talking to the mail server take a while on a Pi.
    auto sent = call(ctx, {{"cmd", "report.mail"}, {"period", period}, {"date", date}},
                     std::chrono::seconds(150));
    if (!sent) return 1;
    std::cout << "e-mailed the " << period << " report to "
              << sb::join((*sent)["sent_to"].get<std::vector<std::string>>(), ", ") << "\n";
    return 0;
  }
  auto reply = call(ctx, {{"cmd", "report"}, {"period", period}, {"date", date}});
  if (!reply) return 1;
  if (as_json) {
    reply->erase("ok");
    std::cout << reply->dump(2) << "\n";
    return 0;
  }
  std::cout << sb::cli::render_report(*reply, csv);
  return 0;
}

int cmd_maintenance(const Context& ctx, const json& request, bool as_json) {
  auto reply = call(ctx, request);
  if (!reply) return 1;
  if (as_json) {
    std::cout << (*reply)["items"].dump(2) << "\n";
    return 0;
  }
  std::cout << sb::cli::render_maintenance(*reply);
  return 0;
}

int cmd_events(const Context& ctx, const sb::cli::Period& period, bool as_json) {
  json request = {{"cmd", "events"}};
  if (!sb::cli::put_period(period, request)) return 2;
  auto reply = call(ctx, request);
  if (!reply) return 1;
  if (as_json) {
    std::cout << (*reply)["events"].dump(2) << "\n";
    return 0;
  }
  auto status = sb::adapters::ipc_call(ctx.socket, {{"cmd", "status"}});
  if (status) use_site_timezone(*status);
  std::cout << sb::cli::render_events(*reply);
  return 0;
}

// The clock line of doctor: which source says whether the clock is synchronised, and what it says.
json time_check(const json& time, int& failures) {
  const bool synced = time.value("synced", false);
  if (!synced) ++failures;
  return {{"ok", synced},
          {"text", std::string(synced ? "clock synchronised" : "clock NOT synchronised") +
                       " (site.time_source " + time.value("source", "?") +
                       "): " + time.value("detail", "")}};
}

// Without a daemon: check the port and read the inverter directly.
json local_doctor(const Context& ctx, int& failures) {
  json checks = json::array();
  auto check = [&](bool ok, const std::string& text) {
    checks.push_back({{"ok", ok}, {"text", text}});
    if (!ok) ++failures;
  };
  const auto& inv = ctx.config.inverter;
  checks.push_back(
      {{"ok", true}, {"text", "sunbridged is not running: reading the inverter directly"}});
  const sb::TimeSyncState t =
      sb::make_time_sync(ctx.config.site.time_source)->read(std::chrono::system_clock::now());
  checks.push_back(
      time_check({{"source", t.source}, {"synced", t.synced}, {"detail", t.detail}}, failures));
  if (inv.endpoint.solarman) {
    // Which loggers answer on the LAN, and whether ours is where the configuration says.
    const auto& s = *inv.endpoint.solarman;
    const std::string serial = std::to_string(s.serial);
    std::optional<std::string> ours;
    std::string seen;
    if (s.discovery) {
      auto loggers = sb::device::discover_loggers(s.discovery_address, s.discovery_port,
                                                  std::chrono::milliseconds(1500));
      for (const auto& logger :
           loggers ? *loggers : std::vector<sb::protocol::v5::DiscoveryReply>{}) {
        seen += (seen.empty() ? "" : ", ") + std::to_string(logger.serial) + " at " + logger.ip;
        if (logger.serial == s.serial) ours = logger.ip;
      }
    }
    if (ours && *ours != s.host) {
      check(false, "logger " + serial + " answers at " + *ours + ", not at " + s.host +
                       " as configured: set inverter.device to solarman://" + *ours +
                       (s.port == 8899 ? "" : ":" + std::to_string(s.port)) + "?serial=" + serial +
                       " or give it a fixed DHCP lease");
    } else if (ours) {
      check(true, "logger " + serial + " answers at " + *ours);
    } else {
      // Ask the configured address with serial 0: a logger answers that with its own serial.
      sb::transport::SolarmanEndpoint any = s;
      any.serial = 0;
      any.discovery = false;
      sb::device::SolarmanClient probe(any, inv.slave, inv.timing);
      std::optional<std::uint32_t> there;
      if (probe.open() && probe.read_holding(0x000A, 1)) there = probe.reply_serial();
      if (there && *there == s.serial) {
        check(true, "logger " + serial + " answers at " + s.host);
      } else if (there) {
        check(false, "the logger at " + s.host + " has serial " + std::to_string(*there) +
                         ", not " + serial + " as configured (its label shows the right one)");
      } else {
        check(false,
              "no Solarman logger answers at " + s.host + ":" + std::to_string(s.port) +
                  (s.discovery ? ", and none with serial " + serial + " answered on the LAN" +
                                     (seen.empty() ? "" : " (found: " + seen + ")")
                               : "") +
                  "; check that it is powered and on this network");
      }
    }
  }
  std::optional<sb::transport::PortLock> lock;
  if (inv.endpoint.serial) {
    struct stat st {};
    if (::stat(inv.device.c_str(), &st) != 0) {
      check(false,
            "port " + inv.device + " is missing (adapter unplugged? check `ls /dev/serial/by-id`)");
      return {{"checks", checks}};
    }
    check(S_ISCHR(st.st_mode),
          "port " + inv.device +
              (S_ISCHR(st.st_mode) ? " is present" : " is not a character device"));
    auto l = sb::transport::PortLock::acquire(inv.lock_dir, inv.device);
    if (!l) {
      check(false, l.error().detail);
      return {{"checks", checks}};
    }
    lock = std::move(*l);
  }
  sb::Logger quiet(sb::LogLevel::kError);
  sb::SystemClock clock;
  auto map = sb::adapters::load_register_map(inv.register_map_path);
  auto faults = sb::protocol::FaultTable::embedded();
  auto client = sb::device::make_modbus_client(inv.endpoint, inv.slave, inv.timing);
  if (auto opened = client->open(); !opened) {
    check(false, opened.error().describe());
    return {{"checks", checks}};
  }
  check(true,
        client->describe() +
            (inv.endpoint.serial ? " opened and locked (no other process uses it)" : " connected"));
  sb::device::InverterLink link(*client, map, faults, inv.link, clock, quiet);
  auto survey = sb::device::survey(link, map);
  bool answered = link.identity().read;
  check(answered, answered
                      ? "inverter answers (serial " + link.identity().serial + ")"
                      : "no answer from slave " + std::to_string(inv.slave) +
                            ": check RS485 wiring (RJ45 pin 7 = A, pin 8 = B), baud and slave id");
  return {{"checks", checks}, {"survey", sb::adapters::survey_to_json(survey)}};
}

int cmd_doctor(const Context& ctx, bool as_json) {
  int failures = 0;
  json doctor;
  auto reply = sb::adapters::ipc_call(ctx.socket, {{"cmd", "doctor"}}, std::chrono::seconds(120));
  if (reply && reply->value("ok", false)) {
    json checks = json::array();
    checks.push_back(
        {{"ok", true},
         {"text", "sunbridged is running (pid " + std::to_string(reply->value("daemon_pid", 0)) +
                      "), link " + reply->value("link", "?")}});
    std::string lock = reply->value("lock", "");
    checks.push_back({{"ok", true},
                      {"text", "the port belongs to sunbridged" +
                                   (lock.empty() ? "" : " (lock " + lock + ")")}});
    bool answered = false;
    for (const auto& r : (*reply)["survey"]["identity"]) {
      answered = answered || (!r.contains("error") && !r["value"].is_null());
    }
    checks.push_back({{"ok", answered},
                      {"text", answered ? "inverter answers" : "no answer from the inverter"}});
    if (!answered) ++failures;
    if (reply->contains("time")) checks.push_back(time_check((*reply)["time"], failures));
    doctor = {{"checks", checks}, {"survey", (*reply)["survey"]}, {"bms", (*reply)["bms"]}};
  } else if (!reply && reply.error().kind == sb::ErrorKind::kDisconnected) {
    doctor = local_doctor(ctx, failures);
  } else {
    std::cerr << "sunbridge: "
              << (reply ? reply->value("error", "doctor failed") : reply.error().detail) << "\n";
    return 1;
  }
  if (as_json) {
    std::cout << doctor.dump(2) << "\n";
  } else {
    std::cout << sb::cli::render_doctor(doctor);
  }
  return failures == 0 ? 0 : 1;
}

// The first word on the command line that is not an option, when it names no command: CLI11
// would only say that a command is required.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, char** argv) {
  const std::set<std::string> with_value = {"--socket", "--config", "-c", "--wait"};
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") return std::nullopt;
    if (!word.empty() && word[0] == '-') {
      if (with_value.count(word) != 0) ++i;  // its value follows
      continue;
    }
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_name() == word) return std::nullopt;
    }
    return word;
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sunbridge - look at and look after the solar system behind sunbridged"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sunbridge " + sb::version_string(),
                       "print the version and exit");
  Context ctx;
  std::string socket_opt;
  app.add_option("--socket", socket_opt, "the daemon's control socket");
  app.add_option("--config,-c", ctx.config_path,
                 "the daemon's configuration file (finds the socket)")
      ->check(CLI::ExistingFile);
  double wait_s = 60;
  app.add_option("--wait", wait_s,
                 "how long a settings change waits for the daemon's answer (s; default 60)")
      ->check(CLI::Range(0.1, 3600.0));

  bool as_json = false;
  double watch_s = 0;
  auto* status = app.add_subcommand("status", "live values with quality and age");
  bool all = false;
  status->add_flag("--json", as_json, "points.md names -> {value, unit, quality, ts}");
  status->add_flag("--all", all, "every value, one per line (default: one screen)");
  status->add_option("--watch", watch_s, "refresh every N seconds until Ctrl-C")
      ->check(CLI::Range(0.5, 3600.0));

  auto* params = app.add_subcommand("params", "inverter LCD parameters");
  params->require_subcommand(1);
  std::vector<std::string> ids;
  auto* params_get =
      params->add_subcommand("get", "decoded LCD parameters (all, or the IDs given)");
  params_get->add_option("ids", ids, "LCD parameter IDs, e.g. 07 41 62");
  params_get->add_flag("--json", as_json, "the parameters as JSON (points.md names)");

  sb::cli::Period history_period{"1h", ""};
  bool csv = false;
  std::vector<std::string> points;
  auto* history = app.add_subcommand("history", "recorded values");
  sb::cli::add_period_options(*history, history_period);
  history->add_flag("--csv", csv, "CSV with ISO-8601 UTC timestamps");
  history->add_flag("--json", as_json, "the samples as JSON");
  history->add_option("--points", points, "point names (default: battery, PV, load, grid)")
      ->delimiter(',');
  std::string resolution = "auto";
  history
      ->add_option("--resolution", resolution,
                   "raw samples, or 1m, 15m or 1d summaries (mean, min, max); auto picks the "
                   "finest that still holds the period")
      ->check(CLI::IsMember({"auto", "raw", "1m", "15m", "1d"}))
      ->default_str("auto");

  bool show_cells = false;
  auto* battery = app.add_subcommand("battery", "the battery bank and each pack (BMS)");
  battery->add_flag("--cells", show_cells, "cell voltage grid, lowest and highest marked");
  battery->add_flag("--json", as_json, "points.md names: bank.* and pack.N.*");

  sb::cli::Period events_period{"1d", ""};
  auto* events = app.add_subcommand("events", "recorded events (mismatches, link changes)");
  sb::cli::add_period_options(*events, events_period);
  events->add_flag("--json", as_json, "the events as JSON");

  auto* checks =
      app.add_subcommand("checks", "power quality and temperature checks: state, value, limits");
  checks->add_flag("--json", as_json, "the checks as JSON");

  sb::cli::Period pq_period{"7d", ""};
  auto* pq = app.add_subcommand(
      "pq", "supply quality: share of 10-minute means within the legal band, events, outages");
  sb::cli::add_period_options(*pq, pq_period);
  pq->add_flag("--json", as_json, "the summary as JSON");

  std::string report_period, report_date;
  bool report_csv = false, report_mail = false;
  auto* report = app.add_subcommand(
      "report", "energy and yen by tariff band for a day, week, month or year; savings, KPIs");
  report
      ->add_option("period", report_period,
                   "day, week, month or year; changes: each settings change with the 7 days "
                   "before and after it")
      ->required()
      ->check(CLI::IsMember({"day", "week", "month", "year", "changes"}));
  report->add_option("date", report_date,
                     "a day in the period, YYYY-MM-DD (default today; weeks start on Monday)");
  report->add_flag("--json", as_json, "the report as JSON");
  report->add_flag("--csv", report_csv, "one line per band, CSV");
  report->add_flag("--mail", report_mail,
                   "e-mail the report with its chart now, to the configured addresses");

  sb::cli::PlotArgs plot_args;
  auto* plot = sb::cli::add_plot_command(app, plot_args);

  std::string maintenance_item, maintenance_note, maintenance_date;
  auto* maintenance = app.add_subcommand("maintenance", "maintenance reminders: what is due");
  maintenance->require_subcommand(1);
  auto* maintenance_list = maintenance->add_subcommand("list",
                                                       "every item, when it was last "
                                                       "done and when it is due");
  maintenance_list->add_flag("--json", as_json, "the items as JSON");
  auto* maintenance_done = maintenance->add_subcommand("done", "record that an item was done");
  maintenance_done->add_option("item", maintenance_item, "the item's id (see the list)")
      ->required();
  maintenance_done->add_option("--note", maintenance_note, "what was done or found");
  maintenance_done->add_option("--date", maintenance_date, "when, YYYY-MM-DD (default today)");
  maintenance_done->add_flag("--json", as_json, "the items as JSON");

  auto* doctor =
      app.add_subcommand("doctor", "port, identity and the installer's verification list");
  doctor->add_flag("--json", as_json, "the checks and readings as JSON");

  sb::cli::SetupArgs setup_args;
  auto* setup = sb::cli::add_setup_command(app, setup_args);

  sb::cli::SettingsArgs settings_args;
  sb::cli::add_settings_commands(app, *params, settings_args);

  if (auto word = unknown_command(app, argc, argv)) {
    std::set<std::string> names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      names.insert(sub->get_name());
    const std::string near = sb::closest(*word, names);
    std::cerr << "sunbridge: '" << *word << "' is not a command"
              << (near.empty() ? "" : "; did you mean '" + near + "'?")
              << "\ncommands: " << sb::join({names.begin(), names.end()}, ", ")
              << "\n(sunbridge --help says what each does)\n";
    return 2;
  }
  CLI11_PARSE(app, argc, argv);

  // Which daemon: --socket, else --config's ipc.socket, else $SUNBRIDGE_SOCKET, else the default.
  // The configuration is read only when given or when `doctor` may read the inverter itself:
  // checking the defaults through the schema was a fifth of `status`'s start-up.
  if (!ctx.config_path.empty() || doctor->parsed()) {
    auto load = ctx.config_path.empty()
                    ? sb::adapters::ConfigLoad{sb::adapters::default_config(), {}, {}}
                    // Only the socket is needed here: key and password files may be the
                    // daemon's alone.
                    : sb::adapters::load_config_file(ctx.config_path, sb::adapters::Secrets::kSkip);
    if (!load.config) {
      std::cerr << sb::schema::format_issues(load.issues, ctx.config_path);
      return 2;
    }
    ctx.config = std::move(*load.config);
  }
  ctx.change_wait = std::chrono::milliseconds(static_cast<long long>(wait_s * 1000));
  const char* env_socket = std::getenv("SUNBRIDGE_SOCKET");
  ctx.socket = !socket_opt.empty()        ? socket_opt
               : !ctx.config_path.empty() ? ctx.config.ipc.socket
               : env_socket != nullptr    ? std::string(env_socket)
                                          : ctx.config.ipc.socket;
  sb::cli::install_interrupt_handler();
  signal(SIGPIPE, SIG_IGN);

  if (setup->parsed()) return sb::cli::run_setup(setup_args);
  if (status->parsed()) return cmd_status(ctx, as_json, all, watch_s);
  if (params_get->parsed()) return cmd_params_get(ctx, ids, as_json);
  if (history->parsed()) return cmd_history(ctx, history_period, csv, as_json, points, resolution);
  if (battery->parsed()) return cmd_battery(ctx, show_cells, as_json);
  if (events->parsed()) return cmd_events(ctx, events_period, as_json);
  if (pq->parsed()) return cmd_pq(ctx, pq_period, as_json);
  if (report->parsed())
    return cmd_report(ctx, report_period, report_date, as_json, report_csv, report_mail);
  if (plot->parsed()) return sb::cli::run_plot(ctx, plot_args);
  if (maintenance_list->parsed())
    return cmd_maintenance(ctx, {{"cmd", "maintenance.list"}}, as_json);
  if (maintenance_done->parsed()) {
    return cmd_maintenance(ctx,
                           {{"cmd", "maintenance.done"},
                            {"item", maintenance_item},
                            {"note", maintenance_note},
                            {"date", maintenance_date}},
                           as_json);
  }
  if (doctor->parsed()) return cmd_doctor(ctx, as_json);
  if (checks->parsed()) {
    auto reply = call(ctx, {{"cmd", "checks"}});
    if (!reply) return 1;
    if (as_json) {
      std::cout << (*reply)["checks"].dump(2) << "\n";
    } else {
      if (auto st = sb::adapters::ipc_call(ctx.socket, {{"cmd", "status"}})) use_site_timezone(*st);
      std::cout << sb::cli::render_checks(*reply);
    }
    return 0;
  }
  if (auto rc = sb::cli::run_settings_command(ctx, settings_args)) return *rc;
  return 2;
}
