/*
 * raw.h: the exact system call, for the few tests that must issue one.
 *
 * The user programs are ordinary static glibc programs. glibc picks its own
 * system calls (fork is clone with CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID,
 * setrlimit is prlimit64, clock_gettime goes through the vDSO), checks some
 * arguments itself, and has no door for 4.4BSD vfork (clone(CLONE_VFORK|
 * SIGCHLD) without CLONE_VM) or for clone without a new stack. A test about
 * one system call, one set of clone flags or one bad pointer uses the calls
 * here: each is the trap itself and returns the kernel's answer, -errno on
 * failure, without touching errno (except vfork44, which is libc-style).
 *
 * riscv64 is Tine's ABI; the x86_64 branch lets userland/run-on-linux.sh run
 * the same tests on the build machine's real kernel (real vfork, CLONE_FILES,
 * exit signal 0), which qemu-riscv64 cannot.
 */
#ifndef TINE_RAW_H
#define TINE_RAW_H

#include <errno.h>
#include <sys/syscall.h>
#include <sys/types.h>

struct timespec;
struct utsname;
struct sysinfo;
struct rlimit;
struct rusage;

/* raw_syscall6: the trap. Unused arguments are passed as 0. Not inlined:
 * GCC would otherwise warn (-Wclobbered) about its register variables in
 * every function that also calls vfork. */
static __attribute__((noinline, unused)) long raw_syscall6(long n, long a0, long a1, long a2, long a3,
				long a4, long a5)
{
#if defined(__riscv)
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a3 __asm__("a3") = a3;
	register long r_a4 __asm__("a4") = a4;
	register long r_a5 __asm__("a5") = a5;
	register long r_a7 __asm__("a7") = n;

	__asm__ volatile("ecall"
			 : "+r"(r_a0)
			 : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4),
			   "r"(r_a5), "r"(r_a7)
			 : "memory");
	return r_a0;
#elif defined(__x86_64__)
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a0), "S"(a1), "d"(a2), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
#else
#error "raw.h knows riscv64 (and x86_64 for the Linux reference run)"
#endif
}

#define RAW0(n) raw_syscall6((n), 0, 0, 0, 0, 0, 0)
#define RAW1(n, a) raw_syscall6((n), (long)(a), 0, 0, 0, 0, 0)
#define RAW2(n, a, b) raw_syscall6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define RAW3(n, a, b, c) \
	raw_syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define RAW4(n, a, b, c, d) \
	raw_syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

static inline long sys_read(int fd, void *buf, size_t n) { return RAW3(SYS_read, fd, buf, n); }
static inline long sys_write(int fd, const void *buf, size_t n) { return RAW3(SYS_write, fd, buf, n); }
static inline long sys_pipe2(int *fds, int flags) { return RAW2(SYS_pipe2, fds, flags); }
static inline long sys_nanosleep(const struct timespec *req, struct timespec *rem)
{
	return RAW2(SYS_nanosleep, req, rem);
}
static inline long sys_clock_gettime(int clk, struct timespec *ts)
{
	return RAW2(SYS_clock_gettime, clk, ts);
}
static inline long sys_getpid(void) { return RAW0(SYS_getpid); }
static inline long sys_getppid(void) { return RAW0(SYS_getppid); }
static inline long sys_uname(struct utsname *u) { return RAW1(SYS_uname, u); }
static inline long sys_sysinfo(struct sysinfo *info) { return RAW1(SYS_sysinfo, info); }
static inline long sys_brk(void *addr) { return RAW1(SYS_brk, addr); }
static inline long sys_getrlimit(int res, struct rlimit *r) { return RAW2(SYS_getrlimit, res, r); }
static inline long sys_setrlimit(int res, const struct rlimit *r) { return RAW2(SYS_setrlimit, res, r); }
static inline long sys_prlimit64(pid_t pid, int res, const struct rlimit *new_limit,
				 struct rlimit *old_limit)
{
	return raw_syscall6(SYS_prlimit64, pid, res, (long)new_limit, (long)old_limit, 0, 0);
}
static inline long sys_execve(const char *path, char *const argv[], char *const envp[])
{
	return RAW3(SYS_execve, path, argv, envp);
}
static inline long sys_wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	return raw_syscall6(SYS_wait4, pid, (long)status, options, (long)ru, 0, 0);
}

__attribute__((noreturn)) static inline void sys_exit_group(int status)
{
	for (;;)
		RAW1(SYS_exit_group, status);
}

/* clone in Linux riscv64 order: flags, newsp, parent_tid, tls, child_tid.
 * The child returns here on the stack it was given, so use it with newsp 0
 * and without CLONE_VM (the child then has its own copy of this frame). */
static inline long sys_clone(unsigned long flags, void *newsp, int *parent_tid,
			     unsigned long tls, int *child_tid)
{
#if defined(__x86_64__)
	/* x86_64 swaps the last two: clone(flags, newsp, ptid, ctid, tls). */
	return raw_syscall6(SYS_clone, (long)flags, (long)newsp, (long)parent_tid,
			    (long)child_tid, (long)tls, 0);
#else
	return raw_syscall6(SYS_clone, (long)flags, (long)newsp, (long)parent_tid,
			    (long)tls, (long)child_tid, 0);
#endif
}

/* 4.4BSD vfork (NetBSD's sys_vfork): clone(CLONE_VFORK|SIGCHLD, 0), memory
 * copied as for fork, the parent sleeps until the child execs or exits.
 * glibc has no door for it. Libc-style: -1 and errno on failure. The child
 * has its own copy of this frame, so an inline function is safe here (it
 * would not be for 3BSD vfork: use glibc's vfork for that). */
__attribute__((returns_twice)) static inline pid_t vfork44(void)
{
	long r = sys_clone(0x4000 /* CLONE_VFORK */ | 17 /* SIGCHLD */, 0, 0, 0, 0);

	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return (pid_t)r;
}

#endif
