/*
 * forkrate: fork throughput, the row of issue 11 measured without
 * instruction counting ("fork throughput at 1, 2 and 4 harts").
 *
 * P worker processes each run fork + _exit + waitpid in a loop for S
 * seconds of CLOCK_MONOTONIC; the parent adds up their counts and prints
 *   forkrate P procs S s: N forks, R forks/s
 * Run it with P equal to the number of harts, at 1, 2 and 4 harts, on Tine
 * and on Linux (scripts/linux-ref), and compare the ratios to 1 hart. On an
 * emulator the figure depends on the host: QEMU gives each hart a host
 * thread, so a host with fewer cores than harts cannot show the guest's
 * scaling, only whether the kernel gets in its own way.
 *
 * Build: riscv64-linux-gnu-gcc -O2 -static -o forkrate forkrate.c
 * Usage: forkrate [-p PROCS] [-s SECONDS]   (defaults 1 and 5)
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Forks until the deadline; returns how many children it reaped. */
static long fork_loop(uint64_t deadline)
{
	long n = 0;

	while (now_ns() < deadline) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
			die("waitpid");
		n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	int procs = 1, seconds = 5, opt;
	int counts[2];

	while ((opt = getopt(argc, argv, "p:s:")) != -1) {
		if (opt == 'p')
			procs = atoi(optarg);
		else if (opt == 's')
			seconds = atoi(optarg);
		else {
			fprintf(stderr, "usage: forkrate [-p PROCS] [-s SECONDS]\n");
			return 2;
		}
	}
	if (procs < 1 || seconds < 1)
		return 2;
	if (pipe(counts))
		die("pipe");

	uint64_t start = now_ns();
	uint64_t deadline = start + (uint64_t)seconds * 1000000000u;
	for (int i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			long n = fork_loop(deadline);

			if (write(counts[1], &n, sizeof n) != sizeof n)
				_exit(1);
			_exit(0);
		}
	}
	long total = 0;
	for (int i = 0; i < procs; i++) {
		long n;

		if (read(counts[0], &n, sizeof n) != sizeof n)
			die("read");
		total += n;
	}
	while (wait(NULL) > 0)
		;
	double elapsed = (double)(now_ns() - start) / 1e9;
	printf("forkrate %d procs %d s: %ld forks, %.0f forks/s\n", procs,
	       seconds, total, (double)total / elapsed);
	return 0;
}
