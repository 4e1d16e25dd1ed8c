// What tty.cpp, tty_input.cpp and tty_ioctl.cpp share: the Tty object.
#pragma once

#include "core/fs/file.h"
#include "core/proc/proc.h"
#include "core/sync/condvar.h"
#include "core/sync/mutex.h"
#include "core/tty/ldisc.h"

namespace tine {

struct Tty {
  Mutex lock{"tty", LockRank::Tty};
  Ldisc ld GUARDED_BY(lock);
  Winsize ws GUARDED_BY(lock) = {24, 80, 0, 0};
  // Input arrived, the settings changed or the input was flushed.
  CondVar readable{"tty readable"};
  // Controlling-terminal state (NetBSD t_session, t_pgrp), under proc_lock:
  // the session whose tty this is (its s_ttyp points back), and the
  // foreground process group's id (0: none).
  Session* session GUARDED_BY(proc_lock) = nullptr;
  i32 fg_pgid GUARDED_BY(proc_lock) = 0;
};

Tty& console_tty();

// Whether this tty is p's controlling terminal.
bool tty_is_ctty_locked(const Tty& t, Proc* p) REQUIRES(proc_lock);
// Makes t p's session's controlling terminal when p leads a session that
// has none and t has no session (or `steal`, TIOCSCTTY 1 by root).
// Error::Perm otherwise; ok() if it already is.
Result<void> tty_acquire_locked(Tty& t, Proc* p, bool steal) REQUIRES(proc_lock);
// The session lets go of t (TIOCNOTTY by its leader, the session freed):
// its foreground group gets SIGHUP and SIGCONT when `hangup`.
void tty_release_locked(Tty& t, bool hangup) REQUIRES(proc_lock);
// Sends sig to every member of t's foreground group (from the kernel).
void tty_signal_fg_locked(Tty& t, int sig) REQUIRES(proc_lock);
// Job control for the calling process before it reads (SIGTTIN), writes
// under TOSTOP or changes settings (SIGTTOU): ok() to go on; Error::Intr
// after sending sig to its group (the syscall restarts once it is
// continued); Error::Io for an orphaned group, or for SIGTTIN that is
// ignored or blocked (SIGTTOU ignored or blocked lets it go on, as POSIX
// asks).
Result<void> tty_job_check(Tty& t, int sig);

Result<i64> tty_ioctl(File& f, u32 cmd, uptr arg);

// Runs received bytes through the discipline, echoes, wakes, signals
// (tty_input.cpp calls it from the tty thread).
void tty_receive(Tty& t, const u8* bytes, size_t n);

}  // namespace tine
