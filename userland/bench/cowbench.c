/*
 * cowbench: the cost of a write fault that breaks copy-on-write, per page,
 * the row of issue 11 that ../shared/bench/forkbench.c has no mode for.
 *
 * The parent maps S MiB of anonymous memory and touches one byte per 4 KiB
 * page; then, N times:
 *   cow      fork; the child writes one byte to every page (each write is a
 *            fault on a page its parent still holds: a copy), exits
 *   cowlast  fork; the child exits at once; the parent writes every page
 *            (the child has gone: the fault finds the last reference and
 *            keeps the page, write-protected by the fork)
 * Each prints one line in forkbench's format: mode MiB N ns/page, timed
 * around the write loop only (CLOCK_MONOTONIC; under QEMU -icount shift=0
 * one ns is one instruction).  A loop over pages already writable costs
 * under 10 instructions a page, so the figure is the fault's.
 *
 * Build: riscv64-linux-gnu-gcc -O2 -static -o cowbench cowbench.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "cowbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t write_pages(volatile char *p, size_t len, char v)
{
	uint64_t t0 = now_ns();

	for (size_t off = 0; off < len; off += PAGE)
		p[off] = v;
	return now_ns() - t0;
}

static void reap(pid_t pid)
{
	int st;

	if (pid < 0)
		die("fork");
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "cowbench: child wait status 0x%x\n", st);
		exit(1);
	}
}

/* The child's write loop; its time comes back through a pipe. */
static uint64_t child_writes(char *p, size_t len)
{
	int fd[2];
	uint64_t t = 0;
	pid_t pid;

	if (pipe(fd))
		die("pipe");
	pid = fork();
	if (pid == 0) {
		t = write_pages(p, len, 2);
		_exit(write(fd[1], &t, sizeof t) == sizeof t ? 0 : 1);
	}
	reap(pid);
	if (read(fd[0], &t, sizeof t) != sizeof t)
		die("read");
	close(fd[0]);
	close(fd[1]);
	return t;
}

static uint64_t parent_writes(char *p, size_t len)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	reap(pid);
	return write_pages(p, len, 3);
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? strtol(argv[1], NULL, 10) : 4;
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 4;
	size_t len = (size_t)mib << 20, pages = len / PAGE;
	uint64_t cow = 0, last = 0;
	char *p;

	if (mib <= 0 || n <= 0) {
		fprintf(stderr, "usage: cowbench [MIB [N]]\n");
		return 2;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	write_pages(p, len, 1);
	child_writes(p, len);                  /* warm-up */
	for (long i = 0; i < n; i++)
		cow += child_writes(p, len);
	parent_writes(p, len);
	for (long i = 0; i < n; i++)
		last += parent_writes(p, len);
	printf("%-10s %4ld %9ld %14.1f\n", "cow", mib, n * (long)pages,
	       (double)cow / (double)(n * pages));
	printf("%-10s %4ld %9ld %14.1f\n", "cowlast", mib, n * (long)pages,
	       (double)last / (double)(n * pages));
	return 0;
}
