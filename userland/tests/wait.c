/*
 * wait: wait4's Linux semantics.
 *   WNOHANG gives 0 while the child runs, the pid once it has exited;
 *   no children at all gives ECHILD, with or without WNOHANG (Linux; old
 *   NetBSD said 0: research 5.5);
 *   status = exit code << 8, or the signal number (low 7 bits);
 *   a child whose exit signal is not SIGCHLD (here 0) is a "clone" child:
 *   only __WCLONE or __WALL see it, and __WCLONE does not see an ordinary one.
 *
 * qemu-riscv64 refuses an exit signal other than SIGCHLD (EINVAL), so under
 * TINE_QEMU_USER=1 the clone-child checks are skipped.
 */
#include "t.h"

int main(void)
{
	t_begin("wait");
	int st, p[2];
	pid_t w;

	/* No children yet. */
	w = wait4(-1, &st, 0, NULL);
	check("echild", w < 0 && errno == ECHILD, "wait4(-1) with no children: %d (%s)", w,
	      strerror(errno));
	w = wait4(-1, &st, WNOHANG, NULL);
	check("echild_wnohang", w < 0 && errno == ECHILD,
	      "wait4(-1, WNOHANG) with no children: %d (%s), want ECHILD", w,
	      strerror(errno));
	w = wait4(getppid(), &st, 0, NULL);
	check("echild_not_my_child", w < 0 && errno == ECHILD,
	      "wait4(parent's pid): %d (%s)", w, strerror(errno));

	/* WNOHANG while the child blocks on a pipe. */
	if (pipe(p) < 0) {
		fail("pipe", "%s", strerror(errno));
		return t_end();
	}
	pid_t pid = fork();
	if (pid == 0) {
		char c;

		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 3 : 4);
	}
	close(p[0]);
	w = wait4(pid, &st, WNOHANG, NULL);
	check("wnohang_running", w == 0, "wait4(pid, WNOHANG) on a running child: %d", w);
	w = wait4(-1, &st, WNOHANG, NULL);
	check("wnohang_any_running", w == 0, "wait4(-1, WNOHANG) on a running child: %d", w);
	close(p[1]);            /* the child's read sees EOF */
	st = 0;
	w = wait4(pid, &st, 0, NULL);
	check("wait_after_eof", w == pid && st == (3 << 8),
	      "wait4 returned %d, status 0x%x, want %d, 0x300", w, st, pid);
	w = wait4(pid, &st, WNOHANG, NULL);
	check("reaped_once", w < 0 && errno == ECHILD, "second wait4 on a reaped child: %d",
	      w);

	/* WNOHANG returns the pid of an exited child (poll until it has). */
	pid = fork();
	if (pid == 0)
		_exit(0x5a);
	w = 0;
	for (int i = 0; i < 5000 && w == 0; i++) {
		w = wait4(pid, &st, WNOHANG, NULL);
		if (w == 0)
			sleep_ms(1);
	}
	check("wnohang_exited", w == pid, "polling wait4(WNOHANG) gave %d", w);
	check("exit_encoding", st == 0x5a00 && WIFEXITED(st) && WEXITSTATUS(st) == 0x5a &&
	      !WIFSIGNALED(st), "status 0x%x, want 0x5a00", st);

	/* Signal encoding: SIGKILL (no core bit). */
	pid = fork();
	if (pid == 0) {
		for (;;)
			sleep_ms(1000);
	}
	kill(pid, SIGKILL);
	st = wait_for(pid);
	check("signal_encoding", st == SIGKILL && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL &&
	      !WIFEXITED(st), "status 0x%x, want 0x9", st);

	/* A child with exit signal 0. */
	long c = sys_clone(0, 0, 0, 0, 0);
	if (c == 0)
		sys_exit_group(3);
	if (c < 0 && on_qemu_user()) {
		skip("clone_child_invisible", "qemu-riscv64 refuses exit signal 0");
		skip("clone_child_wclone", "qemu-riscv64 refuses exit signal 0");
		skip("clone_child_wall", "qemu-riscv64 refuses exit signal 0");
	} else if (c < 0) {
		fail("clone_child_invisible", "clone(0): %s", strerror((int)-c));
	} else {
		w = wait4((pid_t)c, &st, 0, NULL);
		check("clone_child_invisible", w < 0 && errno == ECHILD,
		      "wait4(pid, 0) on an exit-signal-0 child: %d (%s), want ECHILD", w,
		      strerror(errno));
		w = wait4(-1, &st, WNOHANG, NULL);
		check("clone_child_invisible_any", w < 0 && errno == ECHILD,
		      "wait4(-1, WNOHANG): %d (%s), want ECHILD", w, strerror(errno));
		st = 0;
		w = wait4((pid_t)c, &st, __WCLONE, NULL);
		check("clone_child_wclone", w == c && st == (3 << 8),
		      "wait4(pid, __WCLONE): %d, status 0x%x", w, st);

		c = sys_clone(0, 0, 0, 0, 0);
		if (c == 0)
			sys_exit_group(4);
		st = 0;
		w = wait4(-1, &st, __WALL, NULL);
		check("clone_child_wall", w == c && st == (4 << 8),
		      "wait4(-1, __WALL): %d (want %ld), status 0x%x", w, c, st);
	}

	/* __WCLONE does not see an ordinary (SIGCHLD) child. */
	pid = fork();
	if (pid == 0)
		_exit(5);
	w = wait4(pid, &st, __WCLONE, NULL);
	check("wclone_skips_sigchld_child", w < 0 && errno == ECHILD,
	      "wait4(pid, __WCLONE) on a fork child: %d (%s), want ECHILD", w,
	      strerror(errno));
	st = 0;
	w = wait4(pid, &st, __WALL, NULL);
	check("wall_sees_sigchld_child", w == pid && st == (5 << 8),
	      "wait4(pid, __WALL): %d, status 0x%x", w, st);
	return t_end();
}
