/*
 * exec: execve.
 *   a child execs /tests/exec_helper with argv {"a","bb","ccc"} and envp
 *   {"X=1"}; the helper checks its stack and auxv and exits 0;
 *   a missing file is ENOENT, a missing directory on the way ENOENT;
 *   a file that is not ELF (the initrd's /tests/notelf, mode 0755) ENOEXEC;
 *   a directory EACCES;
 *   each failure returns to the caller, which goes on;
 *   an exec'd image does not keep the old one's memory (the parent's writes
 *   after fork are not visible to the new image: trivially, it is new).
 */
#include "t.h"

static void expect_err(const char *name, const char *path, int want)
{
	char *argv[] = { (char *)path, NULL };
	char *envp[] = { NULL };
	long r = sys_execve(path, argv, envp);

	check(name, r == -want, "execve(%s) returned %ld (%s), want %s", path, r,
	      strerror((int)-r), strerror(want));
}

int main(void)
{
	t_begin("exec");
	const char *helper = tine_path("/tests/exec_helper");
	char *argv[] = { "a", "bb", "ccc", NULL };
	char *envp[] = { "X=1", NULL };

	pid_t pid = fork();
	if (pid == 0) {
		execve(helper, argv, envp);
		dprintf(1, "FAIL exec.execve: execve(%s): %s\n", helper, strerror(errno));
		_exit(127);
	}
	int st = wait_for(pid);
	check("helper", pid > 0 && st == 0, "%s ended with %s", helper,
	      st < 0 ? strerror(errno) : wstr(st));

	expect_err("enoent", tine_path("/tests/no_such_program"), ENOENT);
	expect_err("enoent_dir", tine_path("/no_such_dir/program"), ENOENT);
	expect_err("eacces_directory", tine_path("/tests"), EACCES);

	const char *notelf = tine_path("/tests/notelf");
	char *nargv[] = { (char *)notelf, NULL };
	long r = sys_execve(notelf, nargv, envp);
	if (r == -ENOENT)
		skip("enoexec", "no /tests/notelf in this root");
	else
		check("enoexec", r == -ENOEXEC, "execve(%s) returned %ld (%s), want ENOEXEC",
		      notelf, r, strerror((int)-r));

	/* A failed execve in a child returns there, and the child goes on. */
	pid = fork();
	if (pid == 0) {
		char *a[] = { "x", NULL };
		long e = sys_execve(tine_path("/tests/no_such_program"), a, envp);

		_exit(e == -ENOENT ? 33 : 34);
	}
	st = wait_for(pid);
	check("failed_exec_in_child", st == (33 << 8), "child ended with %s, want exit 33",
	      wstr(st));
	ok("survived");
	return t_end();
}
