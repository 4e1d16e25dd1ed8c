// Console input: from the UART's interrupt to the tty thread. The handler
// only queues bytes (it cannot take the tty's mutex or proc_lock, which
// echoing and signalling need); the "tty" kernel thread takes them from
// the queue and runs tty_receive (NetBSD's soft interrupt for com(4)).
#include "core/fs/filedesc.h"
#include "core/lib/assert.h"
#include "core/lib/console.h"
#include "core/proc/pgrp.h"
#include "core/sched/interrupts.h"
#include "core/sched/lwp.h"
#include "core/sync/condvar.h"
#include "core/sync/sleepq.h"
#include "core/sync/spinlock.h"
#include "core/tty/tty.h"
#include "core/tty/tty_internal.h"
#include "hal/hal.h"

namespace tine {

namespace {

constexpr size_t kRxSize = 1024;          // typed ahead of the thread; more is dropped
constexpr u64 kPollNs = 10'000'000;       // without an input interrupt: look every 10 ms

SpinLock g_rx_lock("tty rx", LockRank::TtyRx);
u8 g_rx[kRxSize] GUARDED_BY(g_rx_lock);
size_t g_rx_head GUARDED_BY(g_rx_lock) = 0;
size_t g_rx_count GUARDED_BY(g_rx_lock) = 0;
u64 g_rx_dropped GUARDED_BY(g_rx_lock) = 0;
CondVar g_rx_cv("tty rx");

[[noreturn]] void tty_thread(void*) {
  const bool irq = hal::console_input_interrupts();
  for (;;) {
    u8 bytes[64];
    size_t n = 0;
    if (irq) {
      IrqSpinGuard g(g_rx_lock);
      while (g_rx_count == 0) g_rx_cv.wait(g_rx_lock);
      while (n < sizeof bytes && g_rx_count > 0) {
        bytes[n++] = g_rx[g_rx_head];
        g_rx_head = (g_rx_head + 1) % kRxSize;
        g_rx_count--;
      }
    } else {
      // A device poll, not a signal poll: nothing announces a byte here.
      for (int c; n < sizeof bytes && (c = hal::console_getc()) >= 0;) bytes[n++] = u8(c);
      if (n == 0) {
        sleep_ns(kPollNs);
        continue;
      }
    }
    tty_receive(console_tty(), bytes, n);
  }
}

// pgrp.cpp frees a session whose terminal this is: the tty lets go.
void session_freed(Session* s) REQUIRES(proc_lock) {
  if (s->s_ttyp) tty_release_locked(*s->s_ttyp, false);
}

// Its session's leader exits: the terminal hangs up.
void leader_exited(Session* s) REQUIRES(proc_lock) {
  if (s->s_ttyp) tty_release_locked(*s->s_ttyp, true);
}

}  // namespace

// The HAL's console input interrupt: interrupts are off.
void console_input_interrupt() {
  bool any = false;
  {
    SpinGuard g(g_rx_lock);
    for (int c; (c = hal::console_getc()) >= 0;) {
      if (g_rx_count == kRxSize) {
        g_rx_dropped++;
        continue;
      }
      g_rx[(g_rx_head + g_rx_count) % kRxSize] = u8(c);
      g_rx_count++;
      any = true;
    }
  }
  if (any) g_rx_cv.signal();
}

void tty_init() {
  {
    Tty& t = console_tty();
    MutexGuard g(t.lock);
    ldisc_init(t.ld);
  }
  pgrp_set_session_free_hook(session_freed);
  pgrp_set_leader_exit_hook(leader_exited);
  LwpOptions o;
  o.name = "tty";
  if (!lwp_create(tty_thread, nullptr, o).ok()) panic("tty: no memory for the input thread");
  fd_set_console_open(tty_open_console);
}

}  // namespace tine
