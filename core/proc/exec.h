// execve and execveat of static ELF64 programs, with Linux's initial
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
// execveat(2): path from dirfd, flags AT_EMPTY_PATH (dirfd's own file when
// path is "": glibc's fexecve) and AT_SYMLINK_NOFOLLOW (ELOOP), as Linux's
// do_execveat_common; execve is execveat(AT_FDCWD, path, ..., 0).
Result<void> sys_execveat_impl(Lwp* l, int dirfd, uptr path, uptr argv, uptr envp,
                               int flags);

// The same from kernel strings (starting init).
Result<void> exec_kernel(Lwp* l, const char* path, const char* const* argv,
                         const char* const* envp);

}  // namespace tine
