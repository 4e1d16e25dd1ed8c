// The console tty: the UART as a terminal (NetBSD's struct tty and
// kern/tty.c, Linux's tty_io.c and n_tty.c). One exists, the console's; it
// is /dev/console and /dev/tty, and init's fds 0, 1 and 2.
//
// Input: the UART's interrupt (hal::console_input_interrupts()) queues the
// raw bytes; the "tty" kernel thread runs them through the line discipline
// (core/tty/ldisc.h), echoes, wakes readers and pollers, and sends ^C ^\ ^Z
// to the foreground process group. Where the board gives no input
// interrupt (no PLIC, the host tests), that thread polls every 10 ms.
//
// Controlling terminal (NetBSD: t_session, t_pgrp, PL_CONTROLT): a session
// leader without one that opens the tty without O_NOCTTY, or asks with
// TIOCSCTTY, makes it its session's; the tty then has a session and a
// foreground group. A process's controlling terminal is its session's tty
// while it has PL_CONTROLT (fork1 inherits it; setsid and TIOCNOTTY drop
// it). A process of that session outside the foreground group that reads
// gets SIGTTIN (its group does), and one that writes with TOSTOP set, or
// changes the settings, gets SIGTTOU; either is EIO when the group is
// orphaned or (for SIGTTIN) the signal is blocked or ignored.
#pragma once

#include "core/fs/file.h"
#include "core/lib/result.h"

namespace tine {

// A new File on the console tty with `flags` (access mode, O_NONBLOCK,
// O_NOCTTY); one reference. The calling process acquires it as its
// controlling terminal as above. Error::NoMem.
Result<File*> tty_open_console(int flags);

// Boot (kernel only, before init exists): starts the input thread and
// makes the tty what fd_open_console_stdio opens.
void tty_init();

}  // namespace tine
