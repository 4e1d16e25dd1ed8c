/*
 * forkbench: process-creation micro-benchmark: shared/bench/forkbench.c,
 * the anchors' glibc program that measured Linux and xv6, with one mode
 * added (vfork44) and a thread mode, so that Tine's figures come from
 * the same code.
 *
 * With a parent that has S MiB of touched anonymous memory, time N runs of
 *   fork       fork(); child _exit(0); parent waitpid()
 *   vfork      vfork(); child _exit(0); parent waitpid()
 *   vfork44    4.4BSD vfork (clone(CLONE_VFORK|SIGCHLD), memory copied,
 *              raw.h: glibc has no door for it); child _exit(0); waitpid()
 *   forkexec   fork(); child execve(EXE -x); parent waitpid()
 *   vforkexec  vfork(); child execve(EXE -x); parent waitpid()
 *   spawn      posix_spawn(EXE -x); parent waitpid()
 * and, without extra memory,
 *   null       getppid() (a null system call)
 *   pipe       one-byte ping-pong with a child over two pipes (one round
 *              trip = two context switches)
 *   thread     pthread_create(); the thread returns at once; pthread_join()
 * EXE -x is this same program, which exits at once when its first argument
 * is -x.  Each (mode, size) prints one line: mode MiB N ns/op.
 *
 * Timing is CLOCK_MONOTONIC.  Without -n, N doubles from 1 until one run
 * takes at least -t milliseconds; the last run is reported.  Run as PID 1
 * (initramfs /init), it powers the machine off when done.  Under QEMU with
 * -icount shift=0 one guest nanosecond is one guest instruction.
 *
 * Build: riscv64-linux-gnu-gcc -O2 -static -o forkbench forkbench.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "raw.h"

extern char **environ;

static char *exe_argv[3];           /* { EXE, "-x", NULL } */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void finish(int code)
{
	fflush(stdout);
	if (getpid() == 1) {            /* init must not exit: power off */
		sync();
		reboot(RB_POWER_OFF);
		for (;;)
			pause();
	}
	exit(code);
}

static void die(const char *what, int err)
{
	fprintf(stderr, "forkbench: %s: %s\n", what, strerror(err));
	finish(1);
}

static void reap(pid_t pid)
{
	int st;

	if (pid < 0)
		die("fork", errno);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid", errno);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "forkbench: child wait status 0x%x\n", st);
		finish(1);
	}
}

static pid_t fork_child(int exec)
{
	pid_t p = fork();

	if (p == 0) {
		if (exec)
			execve(exe_argv[0], exe_argv, environ);
		_exit(exec ? 127 : 0);
	}
	return p;
}

/* A vfork child shares its parent's frame: it only calls execve or _exit. */
static __attribute__((noinline)) pid_t vfork_exit(void)
{
	pid_t p = vfork();

	if (p == 0)
		_exit(0);
	return p;
}

static __attribute__((noinline)) pid_t vfork_exec(void)
{
	pid_t p = vfork();

	if (p == 0) {
		execve(exe_argv[0], exe_argv, environ);
		_exit(127);
	}
	return p;
}

static pid_t vfork_child(int exec)
{
	return exec ? vfork_exec() : vfork_exit();
}

static pid_t vfork44_child(int exec)
{
	pid_t p = vfork44();

	if (p == 0) {
		if (exec)
			execve(exe_argv[0], exe_argv, environ);
		_exit(exec ? 127 : 0);
	}
	return p;
}

static pid_t spawn_child(int exec)
{
	pid_t p;
	int err = posix_spawn(&p, exe_argv[0], NULL, NULL, exe_argv, environ);

	(void)exec;
	if (err)
		die("posix_spawn", err);
	return p;
}

static uint64_t time_children(pid_t (*start)(int), int exec, long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++)
		reap(start(exec));
	return now_ns() - t0;
}

static uint64_t time_null(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++)
		(void)getppid();
	return now_ns() - t0;
}

static void *thread_body(void *arg)
{
	return arg;
}

static uint64_t time_thread(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		pthread_t t;
		int err = pthread_create(&t, NULL, thread_body, NULL);

		if (err)
			die("pthread_create", err);
		if ((err = pthread_join(t, NULL)) != 0)
			die("pthread_join", err);
	}
	return now_ns() - t0;
}

static void roundtrip(int wfd, int rfd)
{
	char c = 0;

	if (write(wfd, &c, 1) != 1 || read(rfd, &c, 1) != 1)
		die("pipe ping-pong", errno);
}

static uint64_t time_pipe(long n)
{
	int ping[2], pong[2];
	uint64_t t0;
	pid_t p;
	char c;

	if (pipe(ping) || pipe(pong))
		die("pipe", errno);
	p = fork();
	if (p == 0) {
		close(ping[1]);
		close(pong[0]);
		for (long i = 0; i <= n; i++)
			if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	if (p < 0)
		die("fork", errno);
	close(ping[0]);
	close(pong[1]);
	roundtrip(ping[1], pong[0]);            /* warm-up: child is running */
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		roundtrip(ping[1], pong[0]);
	t0 = now_ns() - t0;
	close(ping[1]);
	close(pong[0]);
	reap(p);
	return t0;
}

static const struct mode {
	const char *name;
	pid_t (*start)(int);            /* NULL: null or pipe */
	int exec;
} modes[] = {
	{ "fork", fork_child, 0 },
	{ "vfork", vfork_child, 0 },
	{ "vfork44", vfork44_child, 0 },
	{ "forkexec", fork_child, 1 },
	{ "vforkexec", vfork_child, 1 },
	{ "spawn", spawn_child, 1 },
	{ "null", NULL, 0 },
	{ "pipe", NULL, 0 },
	{ "thread", NULL, 0 },
};
#define NMODES (int)(sizeof(modes) / sizeof(modes[0]))

static uint64_t measure(const struct mode *m, long n)
{
	if (m->start)
		return time_children(m->start, m->exec, n);
	if (strcmp(m->name, "null") == 0)
		return time_null(n);
	if (strcmp(m->name, "thread") == 0)
		return time_thread(n);
	return time_pipe(n);
}

static long fixed_n;                    /* -n; 0 = calibrate */
static uint64_t target_ns = 20000000;   /* -t, in ns */

static void run(const struct mode *m, long mib)
{
	uint64_t t;
	long n;

	if (fixed_n) {
		measure(m, 1);                  /* warm-up */
		n = fixed_n;
		t = measure(m, n);
	} else {
		for (n = 1;; n *= 2) {
			t = measure(m, n);
			if (t >= target_ns || n >= (1L << 30))
				break;
		}
	}
	printf("%-10s %4ld %9ld %14.1f\n", m->name, mib, n, (double)t / n);
	fflush(stdout);
}

/* Map and touch (one byte per 4 KiB page) the parent's extra memory. */
static char *grow(long mib)
{
	size_t len = (size_t)mib << 20;
	char *p;

	if (len == 0)
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap", errno);
	for (size_t off = 0; off < len; off += 4096)
		p[off] = 1;
	return p;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: forkbench [-m MODES] [-s MIBS] [-n N | -t MS] [-e EXE]\n"
		"  -m  comma list of fork,vfork,vfork44,forkexec,vforkexec,spawn,null,pipe,"
		"thread"
		" (default all)\n"
		"  -s  comma list of parent sizes in MiB for the first six modes"
		" (default 0,1,4,16,64)\n"
		"  -n  iterations per measurement (default: calibrate)\n"
		"  -t  calibrate: double N until a run takes >= MS ms (default 20)\n"
		"  -e  program that the exec modes run with argument -x"
		" (default argv[0])\n"
		"  forkbench -x  exits at once (the exec target)\n");
	finish(2);
}

int main(int argc, char **argv)
{
	uint64_t start = now_ns();
	char modelist[] = "fork,vfork,vfork44,forkexec,vforkexec,spawn,null,pipe,thread";
	char sizelist[] = "0,1,4,16,64";
	char *mstr = modelist, *sstr = sizelist, *tok, *end;
	long sizes[32];
	int nsizes = 0, want[NMODES] = { 0 }, opt;

	if (argc > 1 && strcmp(argv[1], "-x") == 0)
		_exit(0);

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# forkbench pid %d, CLOCK_MONOTONIC at start %.6f s\n",
	       (int)getpid(), start / 1e9);
	exe_argv[0] = argv[0];
	exe_argv[1] = "-x";
	while ((opt = getopt(argc, argv, "m:s:n:t:e:")) != -1) {
		switch (opt) {
		case 'm': mstr = optarg; break;
		case 's': sstr = optarg; break;
		case 'n': fixed_n = strtol(optarg, NULL, 10); break;
		case 't': target_ns = strtoull(optarg, NULL, 10) * 1000000u; break;
		case 'e': exe_argv[0] = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || fixed_n < 0)
		usage();
	for (tok = strtok(mstr, ","); tok; tok = strtok(NULL, ",")) {
		int i;

		for (i = 0; i < NMODES && strcmp(tok, modes[i].name) != 0; i++)
			;
		if (i == NMODES)
			usage();
		want[i] = 1;
	}
	for (tok = strtok(sstr, ","); tok; tok = strtok(NULL, ",")) {
		if (nsizes == 32)
			usage();
		sizes[nsizes] = strtol(tok, &end, 10);
		if (*end || sizes[nsizes] < 0)
			usage();
		nsizes++;
	}

	printf("# %-8s %4s %9s %14s\n", "mode", "MiB", "N", "ns/op");
	for (int s = 0; s < nsizes; s++) {
		char *mem = grow(sizes[s]);

		for (int i = 0; i < NMODES; i++)
			if (want[i] && modes[i].start)
				run(&modes[i], sizes[s]);
		if (mem)
			munmap(mem, (size_t)sizes[s] << 20);
	}
	for (int i = 0; i < NMODES; i++)
		if (want[i] && !modes[i].start)
			run(&modes[i], 0);
	printf("# done, CLOCK_MONOTONIC %.6f s\n", now_ns() / 1e9);
	finish(0);
	return 0;
}
