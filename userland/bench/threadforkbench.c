/*
 * threadforkbench: the cost of fork in a threaded process (issue 10).
 *
 * With T threads alive in the process (T = 1 is the main thread alone;
 * the others sleep in a read that never completes), time N runs of
 *   fork(); child _exit(0); parent waitpid()
 * from the main thread. POSIX and the seed copy only the calling thread
 * into the child, so the cost should not grow with T; glibc's fork also
 * takes its atfork and stdio locks, which the sleeping threads do not hold.
 * Each T prints one line in forkbench's format: forkT<T> 0 N ns/op.
 *
 * Timing is CLOCK_MONOTONIC; N doubles from 1 until a run takes at least
 * -t milliseconds (default 20). Run as PID 1 it powers the machine off
 * when done. Under QEMU with -icount shift=0 one guest nanosecond is one
 * guest instruction.
 *
 *   threadforkbench [-T 1,8,64] [-t MS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int sleep_pipe[2];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void finish(int code)
{
	fflush(stdout);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
		for (;;)
			pause();
	}
	exit(code);
}

static void die(const char *what, int err)
{
	printf("# threadforkbench: %s: %s\n", what, strerror(err));
	finish(1);
}

static void *sleeper(void *arg)
{
	char c;

	(void)arg;
	(void)!read(sleep_pipe[0], &c, 1);  /* never written */
	return NULL;
}

static uint64_t time_forks(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		int st;
		pid_t p = fork();

		if (p == 0)
			_exit(0);
		if (p < 0)
			die("fork", errno);
		while (waitpid(p, &st, 0) < 0)
			if (errno != EINTR)
				die("waitpid", errno);
	}
	return now_ns() - t0;
}

int main(int argc, char **argv)
{
	char list[] = "1,8,64";
	char *tlist = list, *tok;
	uint64_t target = 20000000;
	int alive = 1, opt;

	while ((opt = getopt(argc, argv, "T:t:")) != -1) {
		switch (opt) {
		case 'T': tlist = optarg; break;
		case 't': target = strtoull(optarg, NULL, 10) * 1000000u; break;
		default:
			fprintf(stderr, "usage: threadforkbench [-T 1,8,64] [-t MS]\n");
			finish(2);
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pipe(sleep_pipe))
		die("pipe", errno);
	printf("# %-8s %4s %9s %14s\n", "mode", "MiB", "N", "ns/op");
	for (tok = strtok(tlist, ","); tok; tok = strtok(NULL, ",")) {
		int want = atoi(tok);
		uint64_t t;
		long n;
		char name[16];

		for (; alive < want; alive++) {
			pthread_t th;
			int err = pthread_create(&th, NULL, sleeper, NULL);

			if (err)
				die("pthread_create", err);
		}
		time_forks(1);                  /* warm-up */
		for (n = 1;; n *= 2) {
			t = time_forks(n);
			if (t >= target || n >= (1L << 30))
				break;
		}
		snprintf(name, sizeof name, "forkT%d", alive);
		printf("%-10s %4d %9ld %14.1f\n", name, 0, n, (double)t / n);
	}
	printf("# done\n");
	finish(0);
	return 0;
}
