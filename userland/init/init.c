/*
 * init: process 1.
 *
 * The kernel starts it with argv = {"/bin/init", words after "--" on the
 * kernel command line...} and envp = {"HOME=/", "TERM=linux", each key=value
 * word before "--"}.
 *
 * With init=PATH in the environment: fork, execve PATH with argv {PATH,
 * argv[1]...} and the same environment, wait for it while reaping any
 * orphan that comes by, and exit with its exit status (128 + the signal if a
 * signal ended it). The kernel powers the machine off with init's status,
 * so `init=/bin/testrunner` makes QEMU's exit status the test result.
 * Without init=: exec /bin/sh (which reaps orphans in its own waits).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tine_path.h"

int main(int argc, char **argv, char **envp)
{
	const char *target = getenv("init");

	if (!target || !*target) {
		const char *sh = tine_path("/bin/sh");
		char *sh_argv[] = { "sh", NULL };

		execve(sh, sh_argv, envp);
		dprintf(2, "init: execve %s: %s\n", sh, strerror(errno));
		return 127;
	}

	char **child_argv = malloc(sizeof(char *) * (size_t)(argc + 1));
	if (!child_argv)
		return 126;
	child_argv[0] = (char *)target;
	for (int i = 1; i < argc; i++)
		child_argv[i] = argv[i];
	child_argv[argc] = NULL;

	const char *path = tine_path(target);
	pid_t pid = fork();
	if (pid == 0) {
		execve(path, child_argv, envp);
		dprintf(2, "init: execve %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		dprintf(2, "init: fork: %s\n", strerror(errno));
		return 126;
	}

	for (;;) {
		int st = 0;
		pid_t w = wait4(-1, &st, 0, NULL);

		if (w == pid) {
			if (WIFEXITED(st))
				return WEXITSTATUS(st);
			return 128 + WTERMSIG(st);
		}
		if (w < 0 && errno != EINTR) {
			dprintf(2, "init: wait4: %s\n", strerror(errno));
			return 126;
		}
		/* else: an orphan, now reaped */
	}
}
