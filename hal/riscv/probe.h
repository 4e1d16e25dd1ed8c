// Reads kernel-virtual memory that may not be mapped, without panicking:
// a fault resumes at a recovery point (HartLocal::fault_recover_pc).
#pragma once

#include "core/lib/types.h"

namespace tine::hal::riscv {

bool probe_load(uptr addr, u64* out);
bool probe_store(uptr addr, u64 value);

}  // namespace tine::hal::riscv
