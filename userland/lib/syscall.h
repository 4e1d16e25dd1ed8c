/*
 * syscall.h: system call numbers and the raw trap, for tine.h.
 *
 * Tine's numbers are Linux's generic ones (asm-generic/unistd.h), used by
 * riscv64. The x86_64 block exists only so that the same test programs can be
 * built for the build machine and run on its real Linux kernel as a second
 * reference (userland/run-on-linux.sh): qemu-riscv64 turns vfork into fork
 * and refuses some clone flags, which a real kernel does not.
 */
#ifndef TINE_SYSCALL_H
#define TINE_SYSCALL_H

#if defined(__riscv)
#define SYS_dup 23
#define SYS_dup3 24
#define SYS_openat 56
#define SYS_close 57
#define SYS_pipe2 59
#define SYS_read 63
#define SYS_write 64
#define SYS_exit 93
#define SYS_exit_group 94
#define SYS_set_tid_address 96
#define SYS_nanosleep 101
#define SYS_clock_gettime 113
#define SYS_sched_yield 124
#define SYS_kill 129
#define SYS_setuid 146
#define SYS_uname 160
#define SYS_getrlimit 163
#define SYS_setrlimit 164
#define SYS_getpid 172
#define SYS_getppid 173
#define SYS_getuid 174
#define SYS_geteuid 175
#define SYS_gettid 178
#define SYS_sysinfo 179
#define SYS_brk 214
#define SYS_munmap 215
#define SYS_clone 220
#define SYS_execve 221
#define SYS_mmap 222
#define SYS_mprotect 226
#define SYS_wait4 260
#define SYS_prlimit64 261
#elif defined(__x86_64__)
#define SYS_read 0
#define SYS_write 1
#define SYS_close 3
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_munmap 11
#define SYS_brk 12
#define SYS_sched_yield 24
#define SYS_dup 32
#define SYS_nanosleep 35
#define SYS_getpid 39
#define SYS_clone 56
#define SYS_execve 59
#define SYS_exit 60
#define SYS_wait4 61
#define SYS_kill 62
#define SYS_uname 63
#define SYS_getrlimit 97
#define SYS_sysinfo 99
#define SYS_getuid 102
#define SYS_setuid 105
#define SYS_geteuid 107
#define SYS_getppid 110
#define SYS_setrlimit 160
#define SYS_gettid 186
#define SYS_set_tid_address 218
#define SYS_clock_gettime 228
#define SYS_exit_group 231
#define SYS_openat 257
#define SYS_dup3 292
#define SYS_pipe2 293
#define SYS_prlimit64 302
#else
#error "Tine's userland knows riscv64 (and x86_64 for the Linux reference run)"
#endif

/* syscall6: the trap itself. Unused arguments are passed as 0. */
static inline long syscall6(long n, long a0, long a1, long a2, long a3,
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
#else
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
#endif
}

#define syscall0(n) syscall6((n), 0, 0, 0, 0, 0, 0)
#define syscall1(n, a) syscall6((n), (long)(a), 0, 0, 0, 0, 0)
#define syscall2(n, a, b) syscall6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define syscall3(n, a, b, c) \
	syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define syscall4(n, a, b, c, d) \
	syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define syscall5(n, a, b, c, d, e) \
	syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* A raw result in -4095 .. -1 is -errno. */
#define SYSCALL_IS_ERR(r) ((unsigned long)(r) > -4096UL)

#endif
