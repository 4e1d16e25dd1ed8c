/*
 * testrunner [TEST...]: runs the guest tests, each as its own program
 * (/tests/NAME), one after another in the order below, or only those named.
 * Each gets TIME_LIMIT seconds of guest time (wait4 WNOHANG polling), then
 * SIGKILL. Prints "ok NAME" or "FAIL NAME: why" per program, then exactly one
 * summary line "N passed, M failed" (programs), and exits 0 only if M == 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tine_path.h"

#define TIME_LIMIT_S 60

static const char *const tests[] = {
	"fork",
	"vfork",
	"vfork44",
	"clone_files",
	"clone_einval",
	"wait",
	"signals",
	"exec",
	"mmap",
	"badptr",
	"limits",
	"lifecycle",
	"bigfork",
	"forkloop",
	"vmloop",
	"fpregs",
	"exec_shared",
	"clone_settid",
	"random",
	"forktrace",
	"init_protect",
	"session_orphan",
	"reboot_err",
	"sockleak",
	"procsys",
	"initrd_pages",
};
#define NTESTS (int)(sizeof(tests) / sizeof(tests[0]))

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Runs one test; returns 1 if it passed. */
static int run(const char *name)
{
	char path[64];
	char reason[64];

	snprintf(path, sizeof(path), "/tests/%s", name);
	const char *exe = tine_path(path);
	char *argv[] = { (char *)exe, NULL };

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execve(exe, argv, environ);
		dprintf(1, "testrunner: execve %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		printf("FAIL %s: fork: %s\n", name, strerror(errno));
		return 0;
	}

	uint64_t deadline = now_ns() + (uint64_t)TIME_LIMIT_S * 1000000000u;
	struct timespec tick = { 0, 5 * 1000 * 1000 };
	int st = 0, timed_out = 0;
	for (;;) {
		pid_t w = wait4(pid, &st, WNOHANG, NULL);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			printf("FAIL %s: wait4: %s\n", name, strerror(errno));
			return 0;
		}
		if (!timed_out && now_ns() > deadline) {
			kill(pid, SIGKILL);
			timed_out = 1;
		}
		nanosleep(&tick, NULL);
	}
	if (timed_out)
		snprintf(reason, sizeof(reason), "timeout after %d s", TIME_LIMIT_S);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		printf("ok %s\n", name);
		return 1;
	} else if (WIFEXITED(st))
		snprintf(reason, sizeof(reason), "exit %d", WEXITSTATUS(st));
	else
		snprintf(reason, sizeof(reason), "signal %d", WTERMSIG(st));
	printf("FAIL %s: %s\n", name, reason);
	return 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);       /* each line as it comes */

	for (int i = 1; i < argc; i++) {
		int known = 0;

		for (int t = 0; t < NTESTS; t++)
			known |= strcmp(argv[i], tests[t]) == 0;
		if (!known) {
			printf("FAIL %s: no such test\n", argv[i]);
			failed++;
		}
	}
	for (int t = 0; t < NTESTS; t++) {
		int wanted = argc == 1;

		for (int i = 1; i < argc; i++)
			wanted |= strcmp(argv[i], tests[t]) == 0;
		if (!wanted)
			continue;
		if (run(tests[t]))
			passed++;
		else
			failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
