// The load averages of /proc/loadavg and uptime(1), as Linux keeps them
// (kernel/sched/loadavg.c): every 5 seconds the number of threads running
// or waiting to run is folded into three exponentially decaying averages,
// over 1, 5 and 15 minutes, in fixed point with kFshift fraction bits.
#pragma once

#include "core/lib/types.h"
#include "core/procfs/render_sys.h"

namespace tine {

inline constexpr u64 kLoadFreqNs = 5'000'000'000ull;

// One 5-second step: avg[i] decays toward n (pure; host-tested).
void loadavg_fold(u64 avg[3], unsigned n);

// Starts sampling (a callout on the calling hart, every kLoadFreqNs);
// later calls do nothing. Boot calls it when it mounts /proc.
void loadavg_start();

// The averages now (each read atomically).
void loadavg_read(u64 avg[3]);

}  // namespace tine
