// Clone flag bits, in one place: the seed's sys___clone takes them (NetBSD's
// __clone uses Linux's values), and the Linux emulation decodes clone(2)
// with them. Bit 0x1000 is CLONE_PID to the seed and CLONE_PIDFD to Linux;
// the seed wins (DESIGN.md, "User ABI"). Named kClone*, not CLONE_*: the
// host's <sched.h>, which the host tests see, defines CLONE_* as macros.
#pragma once

#include "core/lib/types.h"

namespace tine {

// The seed's (sys___clone maps these to FORK_* flags: fork/sys_fork.cpp).
inline constexpr u64 kCloneCsignal = 0x000000ff;  // exit signal
inline constexpr u64 kCloneVm = 0x00000100;
inline constexpr u64 kCloneFs = 0x00000200;
inline constexpr u64 kCloneFiles = 0x00000400;
inline constexpr u64 kCloneSighand = 0x00000800;
inline constexpr u64 kClonePid = 0x00001000;  // refused (Linux: CLONE_PIDFD)
inline constexpr u64 kClonePtrace = 0x00002000;  // refused
inline constexpr u64 kCloneVfork = 0x00004000;
inline constexpr u64 kCloneSeedFlags = kCloneCsignal | kCloneVm | kCloneFs | kCloneFiles |
                                       kCloneSighand | kClonePid | kClonePtrace |
                                       kCloneVfork;

// Linux's beyond the seed's: the emulation handles or refuses them.
inline constexpr u64 kCloneParent = 0x00008000;
inline constexpr u64 kCloneThread = 0x00010000;
inline constexpr u64 kCloneNewns = 0x00020000;
inline constexpr u64 kCloneSysvsem = 0x00040000;
inline constexpr u64 kCloneSettls = 0x00080000;
inline constexpr u64 kCloneParentSettid = 0x00100000;
inline constexpr u64 kCloneChildCleartid = 0x00200000;
inline constexpr u64 kCloneDetached = 0x00400000;
inline constexpr u64 kCloneUntraced = 0x00800000;
inline constexpr u64 kCloneChildSettid = 0x01000000;
inline constexpr u64 kCloneClearSighand = 0x100000000ull;  // clone3 only

}  // namespace tine
