// Generic per-hart state, indexed by hal::cpu_index().
#pragma once

#include "core/types.h"
#include "hal/hal.h"

namespace tine {

struct SmpCall {
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;
  u32 pending = 0;  // set by the caller, cleared by the target when fn ran
};

struct alignas(64) Cpu {
  u64 ticks = 0;        // timer interrupts taken on this hart
  u64 ipis = 0;         // IPIs taken on this hart
  SmpCall call;         // core/smp_call.cpp
};

extern Cpu g_cpus[hal::kMaxCpus];

inline Cpu& this_cpu() { return g_cpus[hal::cpu_index()]; }

}  // namespace tine
