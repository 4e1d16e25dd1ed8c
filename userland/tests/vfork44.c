/*
 * vfork44: 4.4BSD vfork, clone(CLONE_VFORK|SIGCHLD, 0) (NetBSD's sys_vfork =
 * FORK_PPWAIT): the child gets a copy of the address space as with fork, and
 * the parent sleeps until the child exits or execs. The ordering is seen
 * through a MAP_SHARED page, the isolation through ordinary memory.
 *
 * qemu-riscv64 drops CLONE_VFORK (a plain fork), so under TINE_QEMU_USER=1
 * the ordering checks are skipped.
 */
#include "t.h"

static int global = 1;

struct shared {
	volatile int flag, final;
};

static void spin(void)
{
	for (int i = 0; i < 200; i++) {
		sched_yield();
		for (volatile int j = 0; j < 1000; j++)
			;
	}
}

int main(void)
{
	t_begin("vfork44");
	int qemu = on_qemu_user();
	const char *why = "qemu-riscv64 turns CLONE_VFORK into a plain fork";
	struct shared *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile int stack = 3;
	int st;

	if (sh == MAP_FAILED) {
		fail("mmap_shared", "mmap: %s", strerror(errno));
		return t_end();
	}

	pid_t pid = vfork44();
	if (pid < 0) {
		fail("clone", "clone(CLONE_VFORK|SIGCHLD): %s", strerror(errno));
		return t_end();
	}
	if (pid == 0) {
		int bad = global != 1 || stack != 3;

		global = 10;
		stack = 30;
		sh->flag = 1;
		spin();
		sh->final = 2;
		_exit(bad ? 1 : 0);     /* returning from main would also do */
	}
	int f = sh->flag, fin = sh->final;
	if (qemu)
		skip("parent_waits_for_exit", why);
	else
		check("parent_waits_for_exit", f == 1 && fin == 2,
		      "on return flag=%d final=%d (want 1, 2)", f, fin);
	check("memory_not_shared", global == 1 && stack == 3,
	      "parent sees global=%d stack=%d after the child wrote 10, 30", global,
	      stack);
	st = wait_for(pid);
	check("child_saw_copy", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "child ended with %s (1: it did not see the parent's values)",
	      st < 0 ? strerror(errno) : wstr(st));

	/* The child may return through C frames: they are its own copy. Here
	 * it execs; the parent resumes after the exec. */
	const char *truepath = tine_path("/bin/true");
	char *argv[] = { (char *)truepath, NULL };
	char *envp[] = { NULL };
	sh->flag = 0;
	pid = vfork44();
	if (pid == 0) {
		sh->flag = 5;
		execve(truepath, argv, envp);
		_exit(127);
	}
	f = sh->flag;
	st = wait_for(pid);
	if (qemu)
		skip("parent_waits_for_exec", why);
	else
		check("parent_waits_for_exec", f == 5, "on return flag=%d, want 5", f);
	check("exec_true", pid > 0 && st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "vfork44+execve(%s) child ended with %s", truepath,
	      pid < 0 || st < 0 ? strerror(errno) : wstr(st));
	return t_end();
}
