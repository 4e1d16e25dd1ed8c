// timerfd: a timer read through a descriptor (Linux's fs/timerfd.c).
//
// Expirations are counted, not queued: the count is brought up to date
// from the guest clock whenever the timer is looked at (read, poll,
// gettime, settime), so nothing runs in the timer interrupt. A sleeper
// (read, poll, epoll) naps until the next deadline, which the nap's own
// callout ends (core/sched/callout.h through the sleep queue's timeout);
// settime wakes sleepers to look again. Every clock Tine has reads the
// one guest time (the realtime offset is 0 and never set), so REALTIME,
// MONOTONIC and BOOTTIME timers run alike, and TFD_TIMER_CANCEL_ON_SET
// never cancels (the clock is never set).
//
// read takes 8 bytes (fewer, 0 included: Inval): the expirations since
// the last read, then 0; it waits for one (O_NONBLOCK: Again). A read
// that cannot copy out has taken them (Fault). write is Inval.
// poll: POLLIN while an expiration is unread.
#pragma once

#include "core/fs/file.h"
#include "core/lib/result.h"

namespace tine {

inline constexpr int kTfdNonBlock = kONonBlock;
inline constexpr int kTfdCloExec = kOCloExec;
inline constexpr int kTfdTimerAbstime = 1;
inline constexpr int kTfdTimerCancelOnSet = 2;

// Linux's clock ids a timerfd takes.
inline constexpr int kClockRealtime = 0, kClockMonotonic = 1, kClockBoottime = 7,
                     kClockRealtimeAlarm = 8, kClockBoottimeAlarm = 9;

// The next expiry relative to now (0: disarmed) and the period (0: once),
// in guest ns.
struct TimerFdSetting {
  u64 value_ns = 0;
  u64 interval_ns = 0;
};

// timerfd_create(clockid, flags): Inval for another clock or other flags;
// NoMem. The File (O_RDWR, O_NONBLOCK from flags) has one reference.
Result<File*> timerfd_create(int clockid, int flags);
// timerfd_settime on f: Inval if f is no timerfd or flags are unknown.
// `value_ns` is a deadline on the timer's clock with kTfdTimerAbstime,
// else relative; 0 disarms. Unread expirations are dropped. Returns the
// setting it replaced.
Result<TimerFdSetting> timerfd_settime(File& f, int flags, u64 value_ns, u64 interval_ns);
// timerfd_gettime on f: Inval if f is no timerfd.
Result<TimerFdSetting> timerfd_gettime(File& f);

}  // namespace tine
