/*
 * forkbench: process-creation micro-benchmark, the port of
 * shared/bench/forkbench.c (same options, sizes and output) to Tine's libc.
 *
 * With a parent that has S MiB of touched anonymous memory, time N runs of
 *   fork       fork(); child _exit(0); parent wait4()
 *   vfork      3BSD vfork (CLONE_VM|CLONE_VFORK); child _exit(0); wait4()
 *   vfork44    4.4BSD vfork (CLONE_VFORK, memory copied); child _exit(0)
 *   forkexec   fork(); child execve(EXE); parent wait4()
 *   vforkexec  vfork(); child execve(EXE); parent wait4()
 * and, without extra memory,
 *   null       getppid() (a null system call)
 *   pipe       one-byte ping-pong with a child over two pipes
 * EXE is /bin/true (-e to change). The original's spawn mode has no
 * posix_spawn here; vfork44 is new. Each (mode, size) prints one line:
 * mode MiB N ns/op.
 *
 * Timing is CLOCK_MONOTONIC. Without -n, N doubles from 1 until one run takes
 * at least -t milliseconds; the last run is reported. Under QEMU with
 * -icount shift=0 one guest nanosecond is one guest instruction. As PID 1 it
 * just exits: Tine powers off when init exits.
 */
#include "tine.h"

static char *exe_argv[2];       /* { EXE, NULL } */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what, int err)
{
	dprintf(2, "forkbench: %s: %s\n", what, strerror(err));
	exit(1);
}

static void reap(pid_t pid)
{
	int st;

	if (pid < 0)
		die("fork", errno);
	while (wait4(pid, &st, 0, NULL) < 0)
		if (errno != EINTR)
			die("wait4", errno);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		dprintf(2, "forkbench: child wait status 0x%x\n", st);
		exit(1);
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
		(void)sys_getppid();
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
	{ "null", NULL, 0 },
	{ "pipe", NULL, 0 },
};
#define NMODES (int)(sizeof(modes) / sizeof(modes[0]))

static uint64_t measure(const struct mode *m, long n)
{
	if (m->start)
		return time_children(m->start, m->exec, n);
	if (strcmp(m->name, "null") == 0)
		return time_null(n);
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
	/* "%14.1f" of t / n, in integers */
	uint64_t tenths = (t * 10 + (uint64_t)n / 2) / (uint64_t)n;
	printf("%-10s %4ld %9ld %12lu.%lu\n", m->name, mib, n,
	       (unsigned long)(tenths / 10), (unsigned long)(tenths % 10));
	fflush_stdout();
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
	dprintf(2,
		"usage: forkbench [-m MODES] [-s MIBS] [-n N | -t MS] [-e EXE]\n"
		"  -m  comma list of fork,vfork,vfork44,forkexec,vforkexec,null,pipe"
		" (default all)\n"
		"  -s  comma list of parent sizes in MiB for the first five modes"
		" (default 0,1,4,16,64)\n"
		"  -n  iterations per measurement (default: calibrate)\n"
		"  -t  calibrate: double N until a run takes >= MS ms (default 20)\n"
		"  -e  program that the exec modes run (default /bin/true)\n");
	exit(2);
}

/* strtok over a writable string, comma-separated, without state. */
static char *next_tok(char **s)
{
	char *t = *s;

	if (!t || !*t)
		return NULL;
	char *c = strchr(t, ',');
	if (c) {
		*c = 0;
		*s = c + 1;
	} else {
		*s = NULL;
	}
	return t;
}

static void print_secs(const char *what, uint64_t ns)
{
	printf("%s %lu.%06lu s\n", what, (unsigned long)(ns / 1000000000u),
	       (unsigned long)(ns % 1000000000u / 1000u));
}

int main(int argc, char **argv)
{
	uint64_t start = now_ns();
	char modelist[] = "fork,vfork,vfork44,forkexec,vforkexec,null,pipe";
	char sizelist[] = "0,1,4,16,64";
	char *mstr = modelist, *sstr = sizelist, *tok, *end;
	long sizes[32];
	int nsizes = 0, want[NMODES] = { 0 };

	printf("# forkbench pid %d, ", getpid());
	print_secs("CLOCK_MONOTONIC at start", start);
	exe_argv[0] = (char *)tine_path("/bin/true");
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];

		if (o[0] != '-' || !o[1] || o[2])
			usage();
		const char *arg = o[1] == 'm' || o[1] == 's' || o[1] == 'n' || o[1] == 't' ||
				  o[1] == 'e' ? argv[++i] : NULL;
		if (!arg)
			usage();
		switch (o[1]) {
		case 'm': mstr = argv[i]; break;
		case 's': sstr = argv[i]; break;
		case 'n': fixed_n = strtol(arg, NULL, 10); break;
		case 't': target_ns = strtoul(arg, NULL, 10) * 1000000u; break;
		case 'e': exe_argv[0] = argv[i]; break;
		}
	}
	if (fixed_n < 0)
		usage();
	while ((tok = next_tok(&mstr))) {
		int i;

		for (i = 0; i < NMODES && strcmp(tok, modes[i].name) != 0; i++)
			;
		if (i == NMODES)
			usage();
		want[i] = 1;
	}
	while ((tok = next_tok(&sstr))) {
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
	print_secs("# done, CLOCK_MONOTONIC", now_ns());
	return 0;
}
