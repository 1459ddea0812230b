// SPDX-License-Identifier: Apache-2.0
#include "cli/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstring>

namespace sb::cli {

namespace {

volatile sig_atomic_t g_interrupted = 0;
volatile sig_atomic_t g_watching = 0;
volatile sig_atomic_t g_change_pending = 0;

constexpr const char* kPendingNote =
    "sunbridge: stopped waiting, but the change was already handed to sunbridged and may still be "
    "written (it is queued behind the inverter's current work); follow it with "
    "`sunbridge audit --since 1h`\n";

void on_sigint(int) {
  g_interrupted = 1;
  if (g_watching != 0) return;
  // Only async-signal-safe calls here.
  const char* text = g_change_pending != 0 ? kPendingNote : "\nsunbridge: interrupted\n";
  ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
  ::_exit(130);
}

}  // namespace

void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
}

void set_watching(bool watching) {
  g_watching = watching ? 1 : 0;
}

bool interrupted() {
  return g_interrupted != 0;
}

void set_change_pending(bool pending) {
  g_change_pending = pending ? 1 : 0;
}

const char* pending_change_note() {
  return kPendingNote;
}

}  // namespace sb::cli
