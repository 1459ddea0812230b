// SPDX-License-Identifier: Apache-2.0
// Ctrl-C in the homeowner CLI: every command stops at once, except `status --watch`, which
// finishes its frame and exits cleanly. A settings change that was already sent may still be
// queued in the daemon (behind a poll or a doctor run): the daemon does not withdraw it, so the
// CLI says so and how to follow it, rather than let it be written unannounced.
#pragma once

namespace sb::cli {

void install_interrupt_handler();
// While true, Ctrl-C only sets interrupted() (the watch loop polls it).
void set_watching(bool watching);
[[nodiscard]] bool interrupted();
// While true, stopping (Ctrl-C or giving up waiting) tells the user the change may still be
// written and how to follow it.
void set_change_pending(bool pending);
// The sentence for a change the CLI stopped waiting for.
const char* pending_change_note();

}  // namespace sb::cli
