/*
 * exec: execve.
 *   a child execs /tests/exec_helper with argv {"a","bb","ccc"} and envp
 *   {"X=1"}; the helper checks its stack and auxv and exits 0;
 *   a missing file is ENOENT, a missing directory on the way ENOENT;
 *   a file that is not ELF (the initrd's /tests/notelf, mode 0755) ENOEXEC;
 *   a directory EACCES;
 *   each failure returns to the caller with its image intact (its data,
 *   stack and arguments as they were), and the caller goes on;
 *   an exec'd image does not keep the old one's memory (the parent's writes
 *   after fork are not visible to the new image: trivially, it is new).
 */
#include "t.h"

/* Memory a failed execve must leave as it was. */
static unsigned char image[3 * 4096 + 123];

static void fill_image(void)
{
	for (unsigned i = 0; i < sizeof(image); i++)
		image[i] = (unsigned char)(i * 7 + 1);
}

static int image_intact(void)
{
	for (unsigned i = 0; i < sizeof(image); i++)
		if (image[i] != (unsigned char)(i * 7 + 1))
			return 0;
	return 1;
}

static void expect_err(const char *name, const char *path, int want)
{
	char *argv[] = { (char *)path, NULL };
	char *envp[] = { NULL };
	long r = sys_execve(path, argv, envp);

	check(name, r == -want, "execve(%s) returned %ld (%s), want %s", path, r,
	      strerror((int)-r), strerror(want));
}

int main(int argc, char **main_argv)
{
	t_begin("exec");
	fill_image();
	volatile unsigned long on_stack = 0x5eedf00dcafe1234ul;
	const char *argv0 = argc > 0 ? main_argv[0] : "";
	char argv0_copy[64];
	snprintf(argv0_copy, sizeof(argv0_copy), "%s", argv0);
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
	/* Our own argv[0] goes in too: the failed call must leave it as it was. */
	char *nargv[] = { (char *)notelf, (char *)argv0, NULL };
	long r = sys_execve(notelf, nargv, envp);
	/* The initrd and run-on-linux.sh's root both have it: missing is a failure. */
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
	check("failed_exec_keeps_image",
	      image_intact() && on_stack == 0x5eedf00dcafe1234ul &&
	      strcmp(argv0, argv0_copy) == 0,
	      "after the failed execve calls: data %s, stack word %s, argv[0] %s",
	      image_intact() ? "intact" : "changed",
	      on_stack == 0x5eedf00dcafe1234ul ? "intact" : "changed",
	      strcmp(argv0, argv0_copy) == 0 ? "intact" : "changed");
	return t_end();
}
