/*
 * signals: fatal signals and kill.
 *   a store to address 0 kills the child with SIGSEGV;
 *   SIGKILL and SIGTERM (default action) end a child asleep in nanosleep;
 *   kill(pid, 0) probes a live child, and a zombie (research 5.5: 0, not
 *   ESRCH);
 *   kill of a pid that does not exist is ESRCH, a bad signal number EINVAL.
 */
#include "t.h"

/* A child that tells the parent it is about to sleep, then sleeps 30 s. */
static pid_t sleeper(void)
{
	int p[2];
	char c;

	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec ts = { 30, 0 };

		close(p[0]);
		write(p[1], "s", 1);
		nanosleep(&ts, NULL);
		_exit(0);
	}
	close(p[1]);
	if (pid > 0)
		read(p[0], &c, 1);
	close(p[0]);
	sleep_ms(20);           /* into nanosleep, most likely */
	return pid;
}

static void kill_sleeper(const char *name, int sig)
{
	pid_t pid = sleeper();

	if (pid < 0) {
		fail(name, "fork: %s", strerror(errno));
		return;
	}
	int r = kill(pid, sig);
	int st = wait_for(pid);
	check(name, r == 0 && st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == sig,
	      "kill returned %d; child ended with %s, want signal %d", r,
	      st < 0 ? strerror(errno) : wstr(st), sig);
}

int main(void)
{
	t_begin("signals");

	pid_t pid = fork();
	if (pid == 0) {
		*(volatile int *)0 = 1;
		_exit(0);
	}
	int st = wait_for(pid);
	check("null_store_sigsegv", st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "child ended with %s, want signal 11", st < 0 ? strerror(errno) : wstr(st));

	pid = fork();
	if (pid == 0) {
		volatile int x = *(volatile int *)0;
		_exit(x);
	}
	st = wait_for(pid);
	check("null_load_sigsegv", st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "child ended with %s, want signal 11", st < 0 ? strerror(errno) : wstr(st));

	kill_sleeper("kill_sigkill", SIGKILL);
	kill_sleeper("kill_sigterm", SIGTERM);

	pid = sleeper();
	int r = kill(pid, 0);
	check("kill0_alive", r == 0, "kill(child, 0): %s", strerror(errno));
	r = kill(pid, 65);
	check("bad_signal", r < 0 && errno == EINVAL, "kill(child, 65): %d (%s)", r,
	      strerror(errno));
	kill(pid, SIGKILL);
	wait_for(pid);

	pid = fork();
	if (pid == 0)
		_exit(0);
	sleep_ms(200);          /* it has exited by now: a zombie */
	r = kill(pid, 0);
	check("kill0_zombie", r == 0, "kill(zombie, 0): %d (%s)", r, strerror(errno));
	wait_for(pid);
	r = kill(pid, SIGTERM);
	check("esrch_reaped", r < 0 && errno == ESRCH, "kill(reaped child): %d (%s)", r,
	      strerror(errno));
	r = kill(0x3ffffff0, SIGTERM);
	check("esrch_huge", r < 0 && errno == ESRCH, "kill(0x3ffffff0): %d (%s)", r,
	      strerror(errno));
	ok("survived");
	return t_end();
}
