/*
 * signals: fatal signals and kill.
 *   a store to address 0 kills the child with SIGSEGV;
 *   SIGKILL and SIGTERM (default action) end a child asleep in nanosleep;
 *   kill(pid, 0) probes a live child, and a zombie (research 5.5: 0, not
 *   ESRCH); that the child was a zombie is shown by SIGKILL changing nothing:
 *   wait4 then reports its own exit status, not the signal;
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

	/* The child exits at once; the pipe's EOF says it is on its way out. */
	int zp[2];
	char c;
	if (pipe(zp) < 0) {
		fail("kill0_zombie", "pipe: %s", strerror(errno));
		return t_end();
	}
	pid = fork();
	if (pid == 0)
		_exit(7);
	close(zp[1]);
	read(zp[0], &c, 1);
	close(zp[0]);
	sleep_ms(100);          /* past exit's last step: a zombie */
	r = kill(pid, 0);
	int rk = kill(pid, SIGKILL);
	int ek = errno;
	pid_t w = wait4(pid, &st, WNOHANG, NULL);
	/* A live child would die of the SIGKILL, and WNOHANG could find it
	 * still running: exit 7 now means it was a zombie for both kills. */
	check("kill0_zombie", r == 0 && rk == 0 && w == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 7,
	      "kill(zombie, 0) = %d, kill(zombie, SIGKILL) = %d (%s), wait4 WNOHANG = %d "
	      "with %s; want 0, 0, the pid with exit 7", r, rk, strerror(ek), (int)w,
	      w == pid ? wstr(st) : "nothing");
	r = kill(pid, SIGTERM);
	check("esrch_reaped", r < 0 && errno == ESRCH, "kill(reaped child): %d (%s)", r,
	      strerror(errno));
	r = kill(0x3ffffff0, SIGTERM);
	check("esrch_huge", r < 0 && errno == ESRCH, "kill(0x3ffffff0): %d (%s)", r,
	      strerror(errno));
	/* None of the kills above reached the sender, and it can still probe
	 * itself and fork and reap a child normally. */
	r = kill(getpid(), 0);
	pid = fork();
	if (pid == 0)
		_exit(3);
	st = wait_for(pid);
	check("sender_unaffected", r == 0 && pid > 0 && st == (3 << 8),
	      "kill(self, 0) = %d; child ended with %s, want exit 3", r,
	      st < 0 ? strerror(errno) : wstr(st));
	return t_end();
}
