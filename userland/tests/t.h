/*
 * t.h: the guest tests' harness. A test program prints one line per check,
 *   ok NAME.check
 *   ok NAME.check # SKIP why          (counted as passed)
 *   FAIL NAME.check: why
 * and exits 0 if every check passed, else 1 (t_end()).
 *
 * Where Linux legitimately differs from Tine, a check is skipped only when
 * uname() says "Linux" (on_linux()). Where qemu-riscv64 (user-mode QEMU, our
 * stand-in for Linux) cannot do what Linux does, a check is skipped only when
 * the environment has TINE_QEMU_USER=1, which userland/run-on-linux.sh sets
 * for that run alone (on_qemu_user()).
 *
 * Children report through their exit status; child_fail() gives them a way
 * to say why, in one byte.
 *
 * The tests are static glibc programs (raw.h for the exact system calls).
 * stdout is line buffered whatever it is connected to, as a terminal would
 * make it: a line printed before a fork is not printed again by the child.
 */
#ifndef TINE_T_H
#define TINE_T_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "raw.h"
#include "tine_path.h"

static const char *t_name;
static int t_failed, t_passed;

__attribute__((constructor)) static void t_line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Flushes stdout before a fork or exec (the in-tree libc's name for it). */
static inline void fflush_stdout(void)
{
	fflush(stdout);
}

static inline void t_begin(const char *name)
{
	t_name = name;
}

static inline void ok(const char *check)
{
	printf("ok %s.%s\n", t_name, check);
	t_passed++;
}

__attribute__((format(printf, 2, 3)))
static inline void fail(const char *check, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printf("FAIL %s.%s: %s\n", t_name, check, why);
	t_failed++;
}

/* check(name, cond, fmt, ...): ok if cond, else FAIL with the message. */
#define check(name, cond, ...)                                                 \
	do {                                                                   \
		if (cond)                                                      \
			ok(name);                                              \
		else                                                           \
			fail(name, __VA_ARGS__);                               \
	} while (0)

static inline void skip(const char *check, const char *why)
{
	printf("ok %s.%s # SKIP %s\n", t_name, check, why);
	t_passed++;
}

static inline int t_end(void)
{
	return t_failed ? 1 : 0;
}

static inline int on_linux(void)
{
	struct utsname u;

	return uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0;
}

static inline int on_qemu_user(void)
{
	const char *q = getenv("TINE_QEMU_USER");

	return on_linux() && q && strcmp(q, "1") == 0;
}

/* Describes a wait status for a FAIL message. */
static inline const char *wstr(int st)
{
	static char buf[4][48];
	static unsigned n;
	char *b = buf[n++ % 4];

	if (WIFEXITED(st))
		snprintf(b, sizeof(buf[0]), "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(b, sizeof(buf[0]), "signal %d", WTERMSIG(st));
	else
		snprintf(b, sizeof(buf[0]), "status 0x%x", st);
	return b;
}

/* Waits for pid (retrying EINTR); returns the status, or -1 with errno. */
static inline int wait_for(pid_t pid)
{
	int st = 0;

	for (;;) {
		pid_t r = wait4(pid, &st, 0, NULL);

		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A child that exits at once, waited for: 1 if the fork succeeded. */
static inline int fork_once(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return pid > 0 && wait_for(pid) == 0;
}

/* Whether fd is an open descriptor. */
static inline int is_open(int fd)
{
	int d = dup(fd);

	if (d < 0)
		return 0;
	close(d);
	return 1;
}

/* Returns -errno of a libc-style call's failure, or its result. */
#define ERR(call) ((call) < 0 ? -errno : 0)

/*
 * Leak checks: free memory (sysinfo freeram * mem_unit) is read with
 * free_bytes() after warm-up rounds and again after the loop; on Tine it may
 * not fall by more than slack_pages (the kernel heap keeps an empty slab per
 * size class, so a page can come or go with the order of frees). On Linux
 * free memory moves with the whole machine, so the check is skipped there.
 * free_bytes() fails the "sysinfo" check and returns 0 if sysinfo fails.
 */
static inline unsigned long free_bytes(void)
{
	struct sysinfo si;

	if (sysinfo(&si) < 0) {
		fail("sysinfo", "%s", strerror(errno));
		return 0;
	}
	return si.freeram * si.mem_unit;
}

static inline void check_no_leak(unsigned long before, unsigned long slack_pages)
{
	unsigned long after = free_bytes();

	if (on_linux())
		skip("no_leak", "Linux's free memory moves with the whole machine");
	else
		check("no_leak", after + slack_pages * 4096ul >= before,
		      "free memory %lu bytes before, %lu after (%ld lost)",
		      before, after, (long)(before - after));
}

#endif
