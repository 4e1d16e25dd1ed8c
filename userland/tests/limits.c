/*
 * limits: fork's two counters (DESIGN.md, fork1 steps 1 and 2).
 *   getrlimit, setrlimit and prlimit64 agree on RLIMIT_NPROC;
 *   root is not held to RLIMIT_NPROC;
 *   a process that sets RLIMIT_NPROC to 4 and then setuid(1000) may have 3
 *   children (uid 1000 then owns 4 processes: itself and them); the 4th
 *   fork is EAGAIN; once they are reaped it can fork again;
 *   maxproc (Tine only, a few hundred): root forks sleeping children until
 *   EAGAIN (at most 2000), kills and reaps them, and forks again. On Linux
 *   the limit is far away: the check forks 64 and reports the EAGAIN part as
 *   skipped.
 * The forking happens in children so that the test itself keeps its uid and
 * limits.
 */
#include "t.h"

#define NPROC_LIMIT 4
#define MAXPROC_CAP 2000

static pid_t kids[MAXPROC_CAP];

/* Forks children that block reading p[0] until the cap or a failure;
 * returns how many, with the failing errno in *err (0 if none failed). */
static int fork_blockers(int cap, int p[2], int *err)
{
	int n = 0;

	*err = 0;
	while (n < cap) {
		pid_t pid = fork();

		if (pid == 0) {
			char c;

			close(p[1]);
			read(p[0], &c, 1);
			_exit(0);
		}
		if (pid < 0) {
			*err = errno;
			break;
		}
		kids[n++] = pid;
	}
	return n;
}

static int reap(int n, int sig)
{
	int good = 0;

	for (int i = 0; i < n; i++) {
		if (sig)
			kill(kids[i], sig);
		if (wait_for(kids[i]) >= 0)
			good++;
	}
	return good;
}

/* In a child: set the limit, optionally become uid 1000, fork to the limit.
 * Prints its own checks; exits with the number that failed. */
static void nproc_child(int become_user)
{
	struct rlimit rl = { NPROC_LIMIT, NPROC_LIMIT };
	int p[2], err;
	const char *who = become_user ? "user" : "root";
	char name[64];

	if (setrlimit(RLIMIT_NPROC, &rl) < 0 || pipe(p) < 0) {
		fail("setrlimit", "%s", strerror(errno));
		exit(t_end());
	}
	if (become_user) {
		int r = setuid(1000);

		check("setuid", r == 0 && getuid() == 1000 && geteuid() == 1000,
		      "setuid(1000): %d (%s), uid now %u/%u", r, strerror(errno), getuid(),
		      geteuid());
	}
	int n = fork_blockers(become_user ? 64 : 2 * NPROC_LIMIT, p, &err);
	snprintf(name, sizeof(name), "nproc_%s", who);
	if (become_user && on_qemu_user())
		/* Each qemu-riscv64 process has a second (RCU) thread, and
		 * RLIMIT_NPROC counts threads: fewer children fit. */
		check(name, n >= 1 && n <= NPROC_LIMIT - 1 && err == EAGAIN,
		      "forked %d children (want 1..%d under qemu-riscv64), then %s "
		      "(want EAGAIN)", n, NPROC_LIMIT - 1,
		      err ? strerror(err) : "no failure");
	else if (become_user)
		check(name, n == NPROC_LIMIT - 1 && err == EAGAIN,
		      "forked %d children (want %d), then %s (want EAGAIN)", n,
		      NPROC_LIMIT - 1, err ? strerror(err) : "no failure");
	else
		check(name, n == 2 * NPROC_LIMIT && err == 0,
		      "root forked %d of %d children past RLIMIT_NPROC=%d: %s", n,
		      2 * NPROC_LIMIT, NPROC_LIMIT, strerror(err));
	close(p[1]);            /* the children's reads see EOF */
	int reaped = reap(n, 0);
	snprintf(name, sizeof(name), "nproc_%s_recovery", who);
	check(name, reaped == n && fork_once(), "reaped %d of %d, then fork: %s", reaped, n,
	      strerror(errno));
	exit(t_end());
}

static void run_child(void (*fn)(int), int arg, const char *name)
{
	pid_t pid = fork();

	if (pid == 0)
		fn(arg);
	int st = wait_for(pid);
	if (st != 0) {
		t_failed++;
		if (!WIFEXITED(st))
			fail(name, "child ended with %s", wstr(st));
	}
}

int main(void)
{
	t_begin("limits");
	struct rlimit a, b;

	/* The exact system calls (glibc's getrlimit and setrlimit are prlimit64). */
	long r1 = sys_getrlimit(RLIMIT_NPROC, &a), r2 = sys_prlimit64(0, RLIMIT_NPROC, NULL, &b);
	check("getrlimit_prlimit64", r1 == 0 && r2 == 0 && a.rlim_cur == b.rlim_cur &&
	      a.rlim_max == b.rlim_max, "getrlimit %ld, prlimit64 %ld", r1, r2);
	struct rlimit lower = { a.rlim_cur, a.rlim_max }, now;
	if (lower.rlim_cur == RLIM_INFINITY || lower.rlim_cur > 100000)
		lower.rlim_cur = 100000;
	long r = sys_setrlimit(RLIMIT_NPROC, &lower);
	sys_getrlimit(RLIMIT_NPROC, &now);
	check("setrlimit", r == 0 && now.rlim_cur == lower.rlim_cur,
	      "setrlimit: %ld, soft limit now %lu", r, now.rlim_cur);
	sys_setrlimit(RLIMIT_NPROC, &a);
	struct rlimit bad = { 10, 5 };
	r = sys_setrlimit(RLIMIT_NPROC, &bad);
	check("setrlimit_cur_above_max", r == -EINVAL, "soft > hard: %ld", r);

	if (getuid() != 0) {
		skip("nproc", "not running as root");
	} else {
		run_child(nproc_child, 0, "nproc_root");
		run_child(nproc_child, 1, "nproc_user");
	}

	/* maxproc */
	int p[2], err;
	int is_linux = on_linux();
	if (pipe(p) < 0) {
		fail("maxproc", "pipe: %s", strerror(errno));
		return t_end();
	}
	int n = fork_blockers(is_linux ? 64 : MAXPROC_CAP, p, &err);
	if (is_linux)
		skip("maxproc", "Linux's process limit is far above what a test forks");
	else
		check("maxproc", err == EAGAIN && n > 10,
		      "forked %d children, then %s (want EAGAIN before %d)", n,
		      err ? strerror(err) : "no failure", MAXPROC_CAP);
	int reaped = reap(n, SIGKILL);
	check("maxproc_reap", reaped == n, "reaped %d of %d", reaped, n);
	close(p[0]);
	close(p[1]);
	check("maxproc_recovery", fork_once(), "fork after reaping: %s", strerror(errno));
	return t_end();
}
