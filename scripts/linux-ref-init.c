/*
 * linux-ref-init: /init of scripts/linux-ref's initramfs on Linux.
 *
 * Runs PROGRAM as Tine's init does with init=PROGRAM (userland/init): fork,
 * execve PROGRAM with argv {PROGRAM, ARGS...} and the kernel's environment,
 * wait for it while reaping any orphan that comes by. So PROGRAM is an
 * ordinary process (pid 2), not init: Linux's init ignores signals it has
 * no handler for and must never exit (its exit panics the kernel).
 *
 * First it makes what programs expect and Tine's image has: /dev/null,
 * /dev/zero, /dev/full, /dev/random, /dev/urandom, /dev/tty, a writable
 * /tmp (the initramfs is a tmpfs) and /proc mounted.
 *
 * Then it prints one line, "linux-ref: exit N" (N as a shell reports a
 * status: 128 + the signal if a signal ended the program), on a line of its
 * own, and powers the machine off. "linux-ref: start" comes before the
 * program's first byte. scripts/linux-ref shows what lies between the two
 * and exits with N.
 *
 *   /init PROGRAM [ARGS...]      (kernel command line: -- PROGRAM ARGS...)
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void power_off(int status)
{
	/* A leading newline: the program's last line may lack its own. */
	printf("\nlinux-ref: exit %d\n", status);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

/* Errors are ignored: a program that needs what is missing will say so. */
static void make_fs(void)
{
	static const struct {
		const char *path;
		unsigned maj, min;
	} nodes[] = {
		{ "/dev/null", 1, 3 }, { "/dev/zero", 1, 5 }, { "/dev/full", 1, 7 },
		{ "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
	};

	mkdir("/dev", 0755);
	for (unsigned i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
		mknod(nodes[i].path, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min));
	mkdir("/tmp", 01777);
	chmod("/tmp", 01777);           /* mkdir's mode goes through the umask */
	mkdir("/proc", 0555);
	mount("proc", "/proc", "proc", 0, NULL);
}

int main(int argc, char **argv)
{
	pid_t child;
	int status;

	if (argc < 2) {
		printf("linux-ref-init: no program to run\n");
		power_off(127);
	}
	make_fs();
	printf("linux-ref: start\n");
	fflush(stdout);
	child = fork();
	if (child < 0) {
		perror("linux-ref-init: fork");
		power_off(127);
	}
	if (child == 0) {
		execve(argv[1], argv + 1, environ);
		perror("linux-ref-init: execve");
		_exit(127);
	}
	for (;;) {
		pid_t p = wait(&status);

		if (p == child)
			break;
		if (p < 0 && errno != EINTR) {
			perror("linux-ref-init: wait");
			power_off(127);
		}
	}
	power_off(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
}
