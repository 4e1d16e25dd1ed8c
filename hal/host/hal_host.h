// Extras only the host tests use: choose which "hart" a host thread is.
#pragma once

#include <stdexcept>

#include "core/lib/types.h"
#include <string>

namespace tine::hal::host {

void set_cpu_index(unsigned index);

// panic() in a host test throws this, so tests can check that a bug is caught.
struct Panic : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace tine::hal::host

namespace tine::hal::host {

}  // namespace tine::hal::host

namespace tine::hal {
struct UserFrame;
struct Pmap;
}

namespace tine::hal::host {

// What a simulated program does when its thread enters user mode (a forked
// child returning, init after exec). It must not return: it ends the
// process (exit1) or the thread.
using UserModeHook = void (*)(UserFrame* frame);
void set_user_mode_hook(UserModeHook hook);
u64 user_frame_reg(const UserFrame* f, unsigned reg);
void user_frame_set_reg(UserFrame* f, unsigned reg, u64 v);

// How many harts the host "machine" has (hal::online_cpus()).
void set_online_cpus(unsigned n);

// A test's stand-in for a pending interrupt: called on the calling thread
// whenever irq_restore turns interrupts back on, the moment a real hart
// would take it. nullptr: none.
using IrqEnableHook = void (*)();
void set_irq_enable_hook(IrqEnableHook hook);

// The calling hart's timer interrupt, if its programmed deadline has passed
// (context.cpp); irq_restore calls it when it turns interrupts back on.
void tick_if_due();

// The user pmap loaded on the calling hart (nullptr: the kernel map alone).
Pmap* loaded_pmap();

}  // namespace tine::hal::host

#define KASSERT_HOST(cond, msg) \
  do {                          \
    if (!(cond)) __builtin_trap(); \
  } while (0)
