// What the waiting syscalls share (signals.cpp holds it): a relative
// timeout read as a deadline, a sleep that a signal ends, and the
// temporary signal mask of rt_sigsuspend, ppoll and pselect6.
#pragma once

#include "core/compat/linux/abi_time.h"
#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

struct Lwp;

inline constexpr u64 kLinuxSigsetSize = sizeof(u64);  // _NSIG / 8

// A relative timeout at `user` as a deadline in guest ns (0: none given,
// wait forever; *zero for {0, 0}, do not wait); EFAULT, EINVAL as Linux.
Result<u64> read_timeout(uptr user, bool* zero);

// Sleeps until a signal needs attention (Error::Intr) or guest time
// `until` (0: no end) has come (ok()).
Result<void> sleep_for_signal(u64 until);

// The mask while a call waits; the delivery loop restores the old one
// after a handler's frame has recorded it, the call itself otherwise.
void set_temporary_mask(Lwp* l, u64 mask);
void restore_temporary_mask(Lwp* l);

}  // namespace tine
