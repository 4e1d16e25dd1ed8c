/*
 * exec_shared: exec in a child that shares a table with its parent changes
 * the child alone (NetBSD's execve unshares first: fd_unshare,
 * sigactsunshare; Linux likewise), and exec forgets the old image's
 * clear-child-tid address (Linux: mm_release).
 *   files: a CLONE_FILES child execs; the exec'd image has lost its
 *     close-on-exec descriptor and kept the other, and the parent has both;
 *   sighand: a CLONE_VM|CLONE_SIGHAND|CLONE_VFORK child execs; the exec'd
 *     image sees SIGUSR1 at SIG_DFL, and the parent still has its handler;
 *   cleartid: a child made with CLONE_CHILD_CLEARTID at &tidword execs this
 *     program again, which (same binary, same addresses) sets tidword, makes
 *     a CLONE_VM child, and exits. Its exit must not zero tidword, which the
 *     CLONE_VM child, outliving it, reads and reports through a pipe.
 *
 * qemu-riscv64 refuses CLONE_FILES and CLONE_VM without threads, so under
 * TINE_QEMU_USER=1 those checks are skipped.
 */
#include "t.h"

#if defined(__riscv)
#define NR_rt_sigaction 134
#else
#define NR_rt_sigaction 13
#endif

static char stack[65536] __attribute__((aligned(16)));
static char stack2[65536] __attribute__((aligned(16)));
static volatile int tidword;
static const char *self;

/* The handler's address is all that matters: handlers are not run here. */
static void handler(int sig)
{
	(void)sig;
}

/* SIGUSR1's handler (the first word of the kernel's sigaction, whichever
 * its length), or -1 on error. */
static long usr1_handler(void)
{
	unsigned long old[4] = { 0 };
	long r = RAW4(NR_rt_sigaction, SIGUSR1, 0, old, 8);

	return r < 0 ? -1 : (long)old[0];
}

static int set_usr1_handler(void (*h)(int))
{
	unsigned long act[4] = { (unsigned long)h, 0, 0, 0 };

	return (int)RAW4(NR_rt_sigaction, SIGUSR1, act, 0, 8);
}

/* Runs in a clone child: execs this program with argv {self, what, arg}. */
static char *child_argv[4];
static int exec_self(void *arg)
{
	(void)arg;
	execve(self, child_argv, environ);
	return 127;
}

/* The exec'd images. Exit status 0 when all is as it should be. */
static int files_child(void)
{
	if (is_open(20))
		return 1; /* close-on-exec descriptor survived */
	if (!is_open(21))
		return 2; /* the other one did not */
	return 0;
}

static int sighand_child(void)
{
	return usr1_handler() == 0 ? 0 : 1;
}

static struct {
	int fd;           /* the pipe to the test */
	pid_t parent;     /* the exec'd image */
} watch;

static int watcher(void *arg)
{
	int fd = watch.fd;
	pid_t parent = watch.parent; /* it may be gone before we get here */
	char verdict = 'T';          /* timeout */

	(void)arg;

	/* Wait for the exec'd image to exit (this child is reparented). */
	for (int i = 0; i < 5000; i++) {
		if (getppid() != parent) {
			verdict = tidword == 0x5a5a ? 'K' : 'Z';
			break;
		}
		sleep_ms(1);
	}
	write(fd, &verdict, 1);
	return 0;
}

static int cleartid_child(int fd)
{
	tidword = 0x5a5a;
	watch.fd = fd;
	watch.parent = getpid();
	/* CLONE_VM: the watcher sees this image's memory after it exits. */
	if (clone(watcher, stack2 + sizeof(stack2), CLONE_VM | SIGCHLD, NULL) < 0)
		return 3;
	return 0; /* exit: on the old kernel, zeroes tidword at the stale address */
}

static void test_files(void)
{
	const char *path = tine_path("/tests/exec_helper");
	int fd = open(path, O_RDONLY);

	if (fd < 0 || dup3(fd, 20, O_CLOEXEC) != 20 || dup3(fd, 21, 0) != 21) {
		fail("files_setup", "open/dup3: %s", strerror(errno));
		return;
	}
	close(fd);
	child_argv[0] = (char *)self;
	child_argv[1] = "files-child";
	child_argv[2] = NULL;
	pid_t pid = clone(exec_self, stack + sizeof(stack), CLONE_FILES | SIGCHLD, NULL);
	if (pid < 0 && on_qemu_user() && errno == EINVAL) {
		skip("files_parent_keeps_cloexec", "qemu-riscv64 refuses CLONE_FILES");
		return;
	}
	int st = pid < 0 ? -1 : wait_for(pid);
	check("files_child_closes_cloexec", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the exec'd image ended with %s (1: fd 20 open, 2: fd 21 closed)",
	      st < 0 ? strerror(errno) : wstr(st));
	check("files_parent_keeps_cloexec", is_open(20) && is_open(21),
	      "after the CLONE_FILES child's exec: fd 20 %s, fd 21 %s",
	      is_open(20) ? "open" : "closed", is_open(21) ? "open" : "closed");
	close(20);
	close(21);
}

static void test_sighand(void)
{
	if (set_usr1_handler(handler) < 0) {
		fail("sighand_setup", "rt_sigaction failed");
		return;
	}
	child_argv[0] = (char *)self;
	child_argv[1] = "sighand-child";
	child_argv[2] = NULL;
	pid_t pid = clone(exec_self, stack + sizeof(stack),
			  CLONE_VM | CLONE_SIGHAND | CLONE_VFORK | SIGCHLD, NULL);
	if (pid < 0 && on_qemu_user() && errno == EINVAL) {
		skip("sighand_parent_keeps_handler", "qemu-riscv64 refuses CLONE_VM");
		return;
	}
	int st = pid < 0 ? -1 : wait_for(pid);
	check("sighand_child_defaults", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the exec'd image ended with %s (1: SIGUSR1 not SIG_DFL)",
	      st < 0 ? strerror(errno) : wstr(st));
	long h = usr1_handler();
	check("sighand_parent_keeps_handler", h == (long)handler,
	      "after the CLONE_SIGHAND child's exec SIGUSR1's handler is %lx, want %lx",
	      h, (long)handler);
	set_usr1_handler(0);
}

static void test_cleartid(void)
{
	int p[2];
	char fdarg[16];

	if (on_qemu_user()) {
		skip("cleartid_forgotten_by_exec", "qemu-riscv64 refuses CLONE_VM");
		return;
	}
	if (pipe(p) < 0) {
		fail("cleartid_pipe", "pipe: %s", strerror(errno));
		return;
	}
	snprintf(fdarg, sizeof(fdarg), "%d", p[1]);
	char *argv[] = { (char *)self, "cleartid-child", fdarg, NULL };
	long pid = sys_clone(CLONE_CHILD_CLEARTID | SIGCHLD, 0, 0, 0, (int *)&tidword);
	if (pid == 0) {
		execve(self, argv, environ);
		_exit(127);
	}
	close(p[1]);
	int st = pid < 0 ? -1 : wait_for((pid_t)pid);
	char verdict = 0;
	ssize_t n = read(p[0], &verdict, 1);
	close(p[0]);
	check("cleartid_exec", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the exec'd image ended with %s", st < 0 ? strerror(errno) : wstr(st));
	check("cleartid_forgotten_by_exec", n == 1 && verdict == 'K',
	      "%s", n != 1 ? "no word from the watcher"
		    : verdict == 'Z' ? "the exec'd image's exit zeroed the stale address"
				     : "the watcher timed out");
}

int main(int argc, char **argv)
{
	self = tine_path("/tests/exec_shared");
	if (argc > 1 && strcmp(argv[1], "files-child") == 0)
		return files_child();
	if (argc > 1 && strcmp(argv[1], "sighand-child") == 0)
		return sighand_child();
	if (argc > 2 && strcmp(argv[1], "cleartid-child") == 0)
		return cleartid_child(atoi(argv[2]));
	t_begin("exec_shared");
	test_files();
	test_sighand();
	test_cleartid();
	return t_end();
}
