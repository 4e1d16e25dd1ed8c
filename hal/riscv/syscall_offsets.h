// Offsets into core's Lwp, Proc and Emul that trap.S's syscall path reads
// (the fast call's lookup, run with no C frame); user_trap.cpp
// static_asserts each against offsetof, so a layout change fails the build.
#pragma once

#define LWP_PROC 1120
#define LWP_SYSRESTART 1193
#define LWP_WORK 1592
#define PROC_EMUL 4896
#define EMUL_NSYSCALLS 16
#define EMUL_FAST 72
