// What Tine calls itself, as uname(2) reports it and /proc/sys/kernel's
// ostype, osrelease, version and hostname show it: one place, so the two
// never disagree.
//
// The release is a Linux one. Tine's Linux ABI follows Linux 6.12 (the
// formats procfs renders, clone3, futex2's calls where present), and
// programs read the release to decide what the kernel offers: LTP's
// tst_kvercmp skips clone3 and futex_waitv tests below 5.3/5.16, glibc and
// others gate features on it. NetBSD's Linux emulation likewise reports a
// Linux release (linux_release, "5.6.0" in 10.x) while its sysname stays
// the emulated system's. The "-tine" suffix and the version string name
// Tine for anyone who looks; the sysname stays "Tine", which the in-tree
// tests read to tell Tine from Linux (userland/tests/t.h).
#pragma once

namespace tine {

inline constexpr char kUtsSysname[] = "Tine";
inline constexpr char kUtsNodename[] = "tine";  // no sethostname yet
inline constexpr char kUtsRelease[] = "6.12.0-tine";
inline constexpr char kUtsVersion[] = "#1 SMP Tine 0.1";
inline constexpr char kUtsMachine[] = "riscv64";

}  // namespace tine
