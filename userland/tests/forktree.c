/*
 * forktree: the program the forktrace test runs under /bin/forktrace. A
 * three-level tree whose events come in one order only (each parent waits
 * for its child before going on):
 *   main forks A and waits for it, exits 0;
 *   A vforks B (B _exits 7; A is released by that exit), then clones C
 *     with exit signal 0 (a clone event, not a fork) and waits for it
 *     with __WALL (Linux makes the exit signal SIGCHLD at exec), exits 3;
 *   C execs /bin/true (exit 0).
 * Exits 0 when every wait saw what it expected, else 1.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tine_path.h"

static char c_stack[16384] __attribute__((aligned(16)));

static int c_main(void *arg)
{
	(void)arg;
	char *argv[] = { (char *)"true", NULL };
	char *envp[] = { NULL };
	execve(tine_path("/bin/true"), argv, envp);
	return 126;
}

static int a_main(void)
{
	int st = 0;
	pid_t b = vfork();
	if (b == 0)
		_exit(7);
	if (b < 0 || waitpid(b, &st, 0) != b || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
		return 10;
	pid_t c = clone(c_main, c_stack + sizeof(c_stack), 0, NULL);
	if (c < 0 || waitpid(c, &st, __WALL) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 11;
	return 3;
}

int main(void)
{
	int st = 0;
	fflush(stdout);
	pid_t a = fork();
	if (a == 0)
		_exit(a_main());
	if (a < 0 || waitpid(a, &st, 0) != a || !WIFEXITED(st) || WEXITSTATUS(st) != 3)
		return 1;
	return 0;
}
