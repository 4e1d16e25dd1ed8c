/*
 * vfork: 3BSD vfork, clone(CLONE_VM|CLONE_VFORK|SIGCHLD, 0) (glibc's
 * vfork, NetBSD's __vfork14 = FORK_PPWAIT|FORK_SHAREVM). The child borrows
 * the parent's address space, so its writes are the parent's; the parent
 * sleeps until the child exits or execs successfully; a failed execve does not
 * release it.
 *
 * The vfork children below only store to globals, yield, and call execve or
 * _exit: they run on the parent's stack, in the frame of a noinline function
 * they never return from.
 *
 * qemu-riscv64 emulates vfork with a plain fork (no sharing, no waiting), so
 * under TINE_QEMU_USER=1 the sharing and ordering checks are skipped;
 * run-on-linux.sh checks them on the build machine's real kernel.
 */
#include "t.h"

static volatile int shared_word;
static volatile int child_pid_seen;
static volatile int flag, final;
static volatile long exec_err;
static char *true_argv[2];
static char *no_env[1];

static void spin(void)
{
	for (int i = 0; i < 200; i++) {
		sched_yield();
		for (volatile int j = 0; j < 1000; j++)
			;
	}
}

static __attribute__((noinline)) pid_t vfork_write(void)
{
	pid_t p = vfork();

	if (p == 0) {
		shared_word = 1;
		child_pid_seen = (int)sys_getpid();
		_exit(7);
	}
	return p;
}

static __attribute__((noinline)) pid_t vfork_wait_exit(void)
{
	pid_t p = vfork();

	if (p == 0) {
		flag = 1;
		spin();
		final = 2;
		_exit(0);
	}
	return p;
}

static __attribute__((noinline)) pid_t vfork_exec(const char *path)
{
	pid_t p = vfork();

	if (p == 0) {
		flag = 5;
		sys_execve(path, true_argv, no_env);
		_exit(127);
	}
	return p;
}

static __attribute__((noinline)) pid_t vfork_failed_exec(const char *path)
{
	pid_t p = vfork();

	if (p == 0) {
		exec_err = sys_execve(path, true_argv, no_env);
		spin();
		final = 3;
		_exit(0);
	}
	return p;
}

int main(void)
{
	t_begin("vfork");
	int qemu = on_qemu_user();
	const char *why = "qemu-riscv64 emulates vfork with fork";
	volatile int canary = 0x5a5a;
	int st;

	/* The child's write lands in the parent's memory. */
	pid_t pid = vfork_write();
	if (pid < 0) {
		fail("vfork", "vfork: %s", strerror(errno));
		return t_end();
	}
	int seen = shared_word, cpid = child_pid_seen;
	st = wait_for(pid);
	check("exit_status", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 7,
	      "child ended with %s", st < 0 ? strerror(errno) : wstr(st));
	if (qemu) {
		skip("child_write_shared", why);
		skip("child_getpid", why);
	} else {
		check("child_write_shared", seen == 1,
		      "parent sees %d after the child stored 1", seen);
		check("child_getpid", cpid == pid, "child's getpid() %d, vfork returned %d",
		      cpid, pid);
	}

	/* The parent resumes only after the child's _exit. */
	flag = final = 0;
	pid = vfork_wait_exit();
	int f = flag, fin = final;
	st = wait_for(pid);
	if (qemu)
		skip("parent_waits_for_exit", why);
	else
		check("parent_waits_for_exit", pid > 0 && f == 1 && fin == 2,
		      "on return flag=%d final=%d (want 1, 2)", f, fin);
	check("exit_status_after_wait", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "child ended with %s", st < 0 ? strerror(errno) : wstr(st));

	/* ... or after its successful execve; the parent's memory survives
	 * the child replacing its image. */
	const char *truepath = tine_path("/bin/true");
	true_argv[0] = (char *)truepath;
	flag = 0;
	pid = vfork_exec(truepath);
	f = flag;
	st = wait_for(pid);
	check("exec_true", pid > 0 && st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "vfork+execve(%s) child ended with %s", truepath,
	      pid < 0 || st < 0 ? strerror(errno) : wstr(st));
	if (qemu)
		skip("parent_memory_after_exec", why);
	else
		check("parent_memory_after_exec", f == 5 && canary == 0x5a5a,
		      "flag=%d canary=0x%x", f, canary);

	/* A failed execve leaves the parent blocked until the _exit. */
	flag = final = 0;
	exec_err = 0;
	pid = vfork_failed_exec(tine_path("/nonexistent/program"));
	long err = exec_err;
	fin = final;
	st = wait_for(pid);
	if (qemu) {
		skip("failed_exec_errno", why);
		skip("failed_exec_still_waits", why);
	} else {
		check("failed_exec_errno", err == -ENOENT, "execve returned %ld, want %d",
		      err, -ENOENT);
		check("failed_exec_still_waits", fin == 3,
		      "on return final=%d, want 3 (parent released by the failed exec?)",
		      fin);
	}
	check("failed_exec_exit_status", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "child ended with %s", st < 0 ? strerror(errno) : wstr(st));

	/* Many in a row: the shared stack stays sane. */
	int good = 0;
	for (int i = 0; i < 50; i++) {
		pid = vfork_write();
		st = wait_for(pid);
		if (pid > 0 && st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 7)
			good++;
	}
	check("repeat", good == 50 && canary == 0x5a5a, "%d of 50 vforks ended well",
	      good);
	return t_end();
}
