/*
 * lifecycle: what a process costs until it is reaped, and what happens to an
 * orphan.
 *   zombies_nproc    a process with RLIMIT_NPROC 4 that setuid(1000) forks
 *                    children that exit at once and are not waited for:
 *                    3 fit (uid 1000 owns 4 processes: itself and 3
 *                    zombies), the 4th fork is EAGAIN; once they are reaped
 *                    it can fork again. Zombies count until reaped (NetBSD
 *                    proc_free, Linux release_task).
 *   zombies_maxproc  (Tine only) root forks children that exit at once,
 *                    never waited for, until EAGAIN: maxproc (1044) stops it,
 *                    zombies included; after reaping, fork works again.
 *   orphan_exitsig   a child made by clone with exit signal SIGUSR1 outlives
 *                    its parent: reparented to init, its exit signal becomes
 *                    SIGCHLD (NetBSD proc_reparent, Linux reparent_leader),
 *                    so init survives its exit and reaps it with a plain
 *                    wait4(-1): kill(pid, 0) ends up ESRCH.
 *   uid_table        root children setuid to 80 distinct uids and stay: on
 *                    Tine some get EAGAIN (its per-uid table is finite) and
 *                    nothing else happens; Linux lets all of them. After
 *                    they are reaped, setuid to a new uid works again.
 * The forking happens in children so that the test itself keeps its uid and
 * limits.
 */
#include "t.h"

#define ZOMBIE_CAP 1500
#define NUIDS 80

static pid_t kids[ZOMBIE_CAP];

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Forks children that exit at once, each left a zombie (its end of a pipe
 * closed, then a moment for the rest of exit) before the next fork, until
 * `cap` or a failure. Returns how many; the failing errno in *err. */
static int fork_zombies(int cap, int *err)
{
	int n = 0;

	*err = 0;
	while (n < cap) {
		int p[2];

		if (pipe(p) < 0) {
			*err = errno;
			break;
		}
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		close(p[1]);
		if (pid < 0) {
			*err = errno;
			close(p[0]);
			break;
		}
		kids[n++] = pid;
		char c;
		while (read(p[0], &c, 1) > 0)
			;
		close(p[0]);
		pause_ms(2);
	}
	return n;
}

static int reap_kids(int n)
{
	int good = 0;

	for (int i = 0; i < n; i++)
		if (wait_for(kids[i]) == 0)
			good++;
	return good;
}

static void zombies_nproc(void)
{
	struct rlimit rl = { 4, 4 };
	int err;

	if (setrlimit(RLIMIT_NPROC, &rl) < 0 || setuid(1000) < 0) {
		fail("zombies_nproc", "setrlimit/setuid: %s", strerror(errno));
		exit(t_end());
	}
	int n = fork_zombies(64, &err);
	if (on_qemu_user())
		/* qemu-riscv64 processes have a second thread, and
		 * RLIMIT_NPROC counts threads: fewer children fit. */
		check("zombies_nproc", n >= 1 && n <= 3 && err == EAGAIN,
		      "forked %d exiting children (want 1..3), then %s", n,
		      err ? strerror(err) : "no failure");
	else
		check("zombies_nproc", n == 3 && err == EAGAIN,
		      "forked %d exiting children (want 3: zombies count), then %s", n,
		      err ? strerror(err) : "no failure");
	int reaped = reap_kids(n);
	check("zombies_nproc_recovery", reaped == n && fork_once(),
	      "reaped %d of %d, then fork: %s", reaped, n, strerror(errno));
	exit(t_end());
}

static void zombies_maxproc(void)
{
	int err;
	int n = fork_zombies(ZOMBIE_CAP, &err);

	check("zombies_maxproc", err == EAGAIN && n > 10 && n < 1044,
	      "forked %d exiting children, then %s (want EAGAIN under maxproc 1044)", n,
	      err ? strerror(err) : "no failure");
	int reaped = reap_kids(n);
	check("zombies_maxproc_recovery", reaped == n && fork_once(),
	      "reaped %d of %d, then fork: %s", reaped, n, strerror(errno));
	exit(t_end());
}

/* The orphan: waits until its parent is gone, then exits. */
static void orphan(pid_t parent)
{
	for (int i = 0; i < 2000 && getppid() == parent; i++)
		pause_ms(1);
	pause_ms(10);
	_exit(0);
}

static void orphan_exitsig(void)
{
	int p[2];

	if (pipe(p) < 0) {
		fail("orphan_exitsig", "pipe: %s", strerror(errno));
		return;
	}
	pid_t a = fork();
	if (a == 0) {
		pid_t me = getpid();
		long b = sys_clone(SIGUSR1, 0, 0, 0, 0);

		if (b == 0)
			orphan(me);
		write(p[1], &b, sizeof(b));
		_exit(b > 0 ? 0 : 1);
	}
	close(p[1]);
	long b = -1;
	read(p[0], &b, sizeof(b));
	close(p[0]);
	int st = wait_for(a);
	if (b <= 0 || st != 0) {
		fail("orphan_exitsig", "clone(SIGUSR1): %ld, parent %s", b, wstr(st));
		return;
	}
	/* init reaps it within a few seconds, if it can. */
	int gone = 0;
	for (int i = 0; i < 500 && !gone; i++) {
		gone = kill((pid_t)b, 0) < 0 && errno == ESRCH;
		if (!gone)
			pause_ms(10);
	}
	check("orphan_exitsig", gone,
	      "orphan %ld (exit signal SIGUSR1) is still there after 5 s: init "
	      "did not reap it", b);
}

static void uid_table(void)
{
	int block[2], res[2];
	pid_t pids[NUIDS];
	int n = 0, good = 0, eagain = 0, other = 0, other_err = 0;

	if (pipe(block) < 0 || pipe(res) < 0) {
		fail("uid_table", "pipe: %s", strerror(errno));
		exit(t_end());
	}
	for (int i = 0; i < NUIDS; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			unsigned char r = setuid((uid_t)(3000 + i)) == 0 ? 0 : (unsigned char)errno;
			char c;

			close(block[1]);
			write(res[1], &r, 1);
			read(block[0], &c, 1);
			_exit(0);
		}
		if (pid < 0)
			break;
		pids[n++] = pid;
		unsigned char r;
		if (read(res[0], &r, 1) != 1)
			r = 255;
		if (r == 0)
			good++;
		else if (r == EAGAIN)
			eagain++;
		else {
			other++;
			other_err = r;
		}
	}
	if (on_linux())
		check("uid_table", n == NUIDS && good == NUIDS,
		      "%d children: %d setuid, %d EAGAIN, %d other (%s)", n, good, eagain,
		      other, strerror(other_err));
	else
		check("uid_table", n == NUIDS && good > 10 && eagain > 0 && other == 0,
		      "%d children: %d setuid, %d EAGAIN (want some), %d other (%s)", n, good,
		      eagain, other, strerror(other_err));
	close(block[1]);
	int reaped = 0;
	for (int i = 0; i < n; i++)
		if (wait_for(pids[i]) == 0)
			reaped++;
	pid_t pid = fork();
	if (pid == 0)
		_exit(setuid(3000 + NUIDS) == 0 ? 0 : 1);
	int st = pid > 0 ? wait_for(pid) : -1;
	check("uid_table_recovery", reaped == n && st == 0,
	      "reaped %d of %d, then setuid to a new uid: %s", reaped, n,
	      pid > 0 ? wstr(st) : strerror(errno));
	exit(t_end());
}

static void run_child(void (*fn)(void), const char *name)
{
	fflush_stdout();
	pid_t pid = fork();

	if (pid == 0)
		fn();
	int st = wait_for(pid);
	if (st != 0) {
		t_failed++;
		if (!WIFEXITED(st))
			fail(name, "child ended with %s", wstr(st));
	}
}

int main(void)
{
	t_begin("lifecycle");
	int root = getuid() == 0;

	if (root)
		run_child(zombies_nproc, "zombies_nproc");
	else
		skip("zombies_nproc", "not running as root");
	if (on_linux())
		skip("zombies_maxproc", "Linux's process limit is far above what a test forks");
	else
		run_child(zombies_maxproc, "zombies_maxproc");
	orphan_exitsig();
	if (root)
		run_child(uid_table, "uid_table");
	else
		skip("uid_table", "not running as root");
	return t_end();
}
