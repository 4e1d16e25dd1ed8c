// execve of static ELF64 programs from the initrd, with Linux's initial
// stack (argc, argv, envp, auxv) in a fresh address space.
#pragma once

#include "core/proc/proc.h"
#include "core/lib/result.h"

namespace tine {

inline constexpr uptr kUserStackTop = 0x3ffffff000;       // below 256 GiB
inline constexpr u64 kUserStackSize = 8ull << 20;         // 8 MiB, demand-zero
inline constexpr size_t kExecArgMax = 64 * 1024;          // argv + envp bytes

// Replaces the calling process's image. On success the thread's user frame
// starts the new program; on failure nothing changed.
Result<void> sys_execve_impl(Lwp* l, uptr path, uptr argv, uptr envp);

// The same from kernel strings (starting init).
Result<void> exec_kernel(Lwp* l, const char* path, const char* const* argv,
                         const char* const* envp);

}  // namespace tine
