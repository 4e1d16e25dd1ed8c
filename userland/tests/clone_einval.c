/*
 * clone_einval: clone's flag checks.
 *   CLONE_SIGHAND without CLONE_VM          EINVAL (Linux and NetBSD)
 *   CLONE_THREAD without CLONE_SIGHAND      EINVAL (Linux; Tine refuses
 *                                           CLONE_THREAD in any case)
 *   CLONE_THREAD|CLONE_SIGHAND without VM   EINVAL (Linux: SIGHAND needs VM)
 *   exit signal 65 (flags & 0xff)           EINVAL on Tine (the seed refuses a
 *                                           signal >= NSIG); Linux accepts and
 *                                           never sends it: Tine-only check
 *   CLONE_PTRACE                            EINVAL on Tine (the seed); Linux
 *                                           accepts: Tine-only check
 *   CLONE_PIDFD (0x1000)                    EINVAL on Tine (the seed's
 *                                           CLONE_PID); Linux needs a pidfd
 *                                           pointer: Tine-only check
 * A clone that wrongly succeeds makes a child, which exits at once.
 */
#include "t.h"

static void expect_einval(const char *name, unsigned long flags)
{
	long r = sys_clone(flags, 0, 0, 0, 0);

	if (r == 0)
		sys_exit_group(99);     /* a child that should not exist */
	if (r > 0) {
		int st;

		wait4((pid_t)r, &st, __WALL, NULL);
		fail(name, "clone(0x%lx) made child %ld, want EINVAL", flags, r);
		return;
	}
	check(name, r == -EINVAL, "clone(0x%lx) returned %ld (%s), want EINVAL", flags,
	      r, strerror((int)-r));
}

int main(void)
{
	t_begin("clone_einval");
	int is_linux = on_linux();

	expect_einval("sighand_without_vm", CLONE_SIGHAND | SIGCHLD);
	expect_einval("thread_without_sighand", CLONE_THREAD | SIGCHLD);
	expect_einval("thread_sighand_without_vm", CLONE_THREAD | CLONE_SIGHAND | SIGCHLD);
	if (is_linux) {
		skip("exit_signal_65", "Tine-only: Linux accepts an exit signal >= NSIG");
		skip("ptrace", "Tine-only: Linux accepts CLONE_PTRACE");
		skip("pidfd", "Tine-only: to Linux 0x1000 is CLONE_PIDFD");
	} else {
		expect_einval("exit_signal_65", 65);
		expect_einval("ptrace", CLONE_PTRACE | SIGCHLD);
		expect_einval("pidfd", CLONE_PIDFD | SIGCHLD);
	}

	/* Still able to fork after all that. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	int st = wait_for(pid);
	check("fork_after", pid > 0 && st == 0, "fork: %s",
	      pid < 0 ? strerror(errno) : wstr(st));
	int w = wait4(-1, &st, WNOHANG | __WALL, NULL);
	check("no_stray_children", w < 0 && errno == ECHILD,
	      "wait4(-1, __WALL) returned %d", w);
	return t_end();
}
