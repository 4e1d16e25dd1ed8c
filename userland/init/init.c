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
 *
 * Without init=, as a BSD init in single-user mode, without login:
 *   1. /etc/rc, if it exists, runs as `/bin/sh /etc/rc` and is waited for;
 *   2. a shell, /bin/sh, runs on the console (/dev/console where there is
 *      one) in a session of its own, whose controlling terminal the console
 *      becomes (TIOCSCTTY), and is started again whenever it ends;
 *   3. every orphan that the kernel hands to init is reaped meanwhile.
 * BusyBox's halt, poweroff and reboot ask init by signal (SIGUSR1, SIGUSR2,
 * SIGTERM): init then sends SIGTERM to every other process, a second later
 * SIGKILL, reaps them and exits 0, and the kernel powers off (Tine cannot
 * reboot: reboot powers off too).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tine_path.h"

static volatile sig_atomic_t shutdown_signal;

static void on_shutdown(int sig)
{
	shutdown_signal = sig;
}

/* Waits for pid, reaping every other child that ends meanwhile. Returns its
 * wait status, or -1 if shutdown was asked for first (or on an error). */
static int wait_for(pid_t pid)
{
	for (;;) {
		int st = 0;
		pid_t w = waitpid(-1, &st, 0);

		if (w == pid)
			return st;
		if (shutdown_signal)
			return -1;
		if (w < 0 && errno != EINTR) {
			dprintf(2, "init: wait: %s\n", strerror(errno));
			return -1;
		}
		/* else: an orphan, now reaped, or a signal */
	}
}

static int exit_code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run_target(const char *target, int argc, char **argv, char **envp)
{
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
	int st = wait_for(pid);
	return st < 0 ? 126 : exit_code(st);
}

/* Forks a child that execs /bin/sh with args (argv[0] "sh"); on the console
 * and in a new session when console is set. Returns its pid or -1. */
static pid_t start_sh(char *const *args, int console)
{
	const char *sh = tine_path("/bin/sh");
	char *argv[8] = { "sh" };

	for (int i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGUSR1, SIG_DFL);
		signal(SIGUSR2, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (console) {
			setsid();
			/* Without /dev, the console descriptors inherited from
			 * the kernel serve. */
			int fd = open("/dev/console", O_RDWR);
			if (fd >= 0) {
				dup2(fd, 0);
				dup2(fd, 1);
				dup2(fd, 2);
				if (fd > 2)
					close(fd);
			}
			/* The console becomes this session's controlling terminal,
			 * taken from a session that had it (1: as root may), so
			 * that ^C, ^Z and ^\ reach the shell's foreground job. */
			ioctl(0, TIOCSCTTY, 1);
		}
		execv(sh, argv);
		dprintf(2, "init: execve %s: %s\n", sh, strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		dprintf(2, "init: fork: %s\n", strerror(errno));
	return pid;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Every other process: SIGTERM, a second to end, then SIGKILL; reaped. */
static void shutdown_all(void)
{
	kill(-1, SIGTERM);
	long deadline = now_ms() + 1000;
	while (now_ms() < deadline) {
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			return;
		usleep(20000);
	}
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

int main(int argc, char **argv, char **envp)
{
	const char *target = getenv("init");

	if (target && *target)
		return run_target(target, argc, argv, envp);

	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_shutdown;    /* no SA_RESTART: it ends the wait */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Opened rather than access()ed: it is all the shell needs. */
	int rcfd = open(tine_path("/etc/rc"), O_RDONLY | O_CLOEXEC);
	if (rcfd >= 0) {
		char *rc[] = { (char *)tine_path("/etc/rc"), NULL };

		close(rcfd);
		pid_t pid = start_sh(rc, 0);
		int st = pid > 0 ? wait_for(pid) : -1;

		if (st >= 0 && st != 0)
			dprintf(2, "init: /etc/rc ended with status %d\n", exit_code(st));
	}
	while (!shutdown_signal) {
		char *none[] = { NULL };
		long started = now_ms();
		pid_t pid = start_sh(none, 1);

		if (pid > 0)
			wait_for(pid);
		/* A shell that cannot start, or dies at once, is not started in a
		 * tight loop. */
		if (!shutdown_signal && (pid < 0 || now_ms() - started < 1000))
			sleep(1);
	}
	dprintf(2, "init: %s: stopping every process\n",
		shutdown_signal == SIGTERM ? "reboot (Tine powers off)" :
		shutdown_signal == SIGUSR1 ? "halt" : "poweroff");
	shutdown_all();
	return 0;
}
