/*
 * procmem: what a process costs in memory, the row of issue 11 ("pages for
 * the kernel's side of an empty process, against Linux's").
 *
 * The program forks N children that block at once in read() on a pipe, with
 * nothing of their own touched beyond what fork and glibc's child side
 * write. It reads /proc/meminfo before the forks and once every child has
 * said it is ready, and prints, per child, in 4 KiB pages:
 *   total       MemFree's fall: everything the child costs
 *   user        AnonPages' rise: the child's own copies (stack, TLS, data
 *               pages its side of fork wrote), on the user's side
 *   kernel      total - user: the kernel's side (process and thread
 *               structures, kernel stack, page tables, file table...)
 *   kstack, ptables, slab
 *               the rise of KernelStack, PageTables and Slab, the parts of
 *               the kernel's side both kernels report
 * Fractions are kept: a kernel that takes memory in blocks (a heap that
 * grows by a chunk) shows its average cost. Run it as the only program (the
 * figures are system-wide). Tine and Linux run the same binary.
 *
 * Build: riscv64-linux-gnu-gcc -O2 -static -o procmem procmem.c
 * Usage: procmem [N]   (default 200)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct meminfo {
	long free_kb, anon_kb, kstack_kb, ptables_kb, slab_kb;
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static long field(const char *text, const char *key)
{
	const char *at = strstr(text, key);

	if (!at) {
		fprintf(stderr, "procmem: no %s in /proc/meminfo\n", key);
		exit(1);
	}
	return strtol(at + strlen(key), NULL, 10);
}

static struct meminfo read_meminfo(void)
{
	static char text[8192];
	struct meminfo m;
	FILE *f = fopen("/proc/meminfo", "r");
	size_t n;

	if (!f)
		die("/proc/meminfo");
	n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	m.free_kb = field(text, "\nMemFree:");
	m.anon_kb = field(text, "\nAnonPages:");
	m.kstack_kb = field(text, "\nKernelStack:");
	m.ptables_kb = field(text, "\nPageTables:");
	m.slab_kb = field(text, "\nSlab:");
	return m;
}

static void show(const char *what, long kb, int n)
{
	printf("%-8s %8.2f pages\n", what, (double)kb / 4.0 / n);
}

/* A kernel whose /proc/meminfo keeps a field at zero does not count it:
 * say so rather than print a zero rise. */
static void show_counted(const char *what, long before_kb, long after_kb, int n)
{
	if (before_kb == 0 && after_kb == 0)
		printf("%-8s not counted\n", what);
	else
		show(what, after_kb - before_kb, n);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	int hold[2], ready[2];
	struct meminfo before, after;
	char c;

	if (n < 1)
		n = 1;
	if (pipe(hold) || pipe(ready))
		die("pipe");
	before = read_meminfo();
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			/* Say ready, then wait for the parent's close (the
			 * children must not hold the write end themselves). */
			close(hold[1]);
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			(void)read(hold[0], &c, 1);
			_exit(0);
		}
	}
	for (int i = 0; i < n; i++)
		if (read(ready[0], &c, 1) != 1)
			die("read");
	after = read_meminfo();
	close(hold[1]);
	for (int i = 0; i < n; i++)
		if (wait(NULL) < 0)
			die("wait");

	printf("procmem: %d children blocked in read(), per child:\n", n);
	long total = before.free_kb - after.free_kb;
	long user = after.anon_kb - before.anon_kb;
	show("total", total, n);
	show_counted("user", before.anon_kb, after.anon_kb, n);
	if (before.anon_kb != 0 || after.anon_kb != 0)
		show("kernel", total - user, n);
	else
		printf("%-8s not counted\n", "kernel");
	show("kstack", after.kstack_kb - before.kstack_kb, n);
	show_counted("ptables", before.ptables_kb, after.ptables_kb, n);
	show("slab", after.slab_kb - before.slab_kb, n);
	return 0;
}
