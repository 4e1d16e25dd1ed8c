/*
 * clone_files: clone(CLONE_FILES|SIGCHLD, stack) shares the descriptor table
 * (NetBSD FORK_SHAREFILES): a dup or close in the child is the parent's too.
 * Without CLONE_FILES the table is copied: the child's dup and close stay its
 * own. Either way the open files themselves are shared, so a pipe written by
 * the child is read by the parent and a file offset moved by the child has
 * moved for the parent (LTP fork07/fork10, clone02).
 *
 * qemu-riscv64 refuses CLONE_FILES without CLONE_VM (EINVAL), so under
 * TINE_QEMU_USER=1 the shared-table checks are skipped.
 */
#include "t.h"

static char stack[65536] __attribute__((aligned(16)));

struct job {
	int pipe_w;             /* write "hi" here */
	int victim;             /* close this one */
	int file;               /* read 16 bytes from this one, or -1 */
};

/* Runs in the child; its exit status is the new descriptor (or 255). */
static int child(void *arg)
{
	struct job *j = arg;
	char buf[16];
	int n = dup(j->pipe_w);

	if (n < 0 || n > 254)
		return 255;
	if (close(j->victim) < 0)
		return 255;
	if (write(j->pipe_w, "hi", 2) != 2)
		return 255;
	if (j->file >= 0 && read(j->file, buf, 16) != 16)
		return 255;
	return n;
}

static void run(const char *mode, unsigned long flags, int file, const char *ref)
{
	int p[2];
	char name[64], buf[16];

	if (pipe(p) < 0) {
		fail("pipe", "pipe: %s", strerror(errno));
		return;
	}
	struct job j = { p[1], dup(p[1]), file };
	int shared = (flags & CLONE_FILES) != 0;

	pid_t pid = clone(child, stack + sizeof(stack), flags, &j);
	snprintf(name, sizeof(name), "%s_clone", mode);
	if (pid < 0) {
		if (shared && on_qemu_user() && errno == EINVAL) {
			skip(name, "qemu-riscv64 refuses CLONE_FILES without CLONE_VM");
		} else {
			fail(name, "clone(0x%lx): %s", flags, strerror(errno));
		}
		close(p[0]);
		close(p[1]);
		close(j.victim);
		return;
	}
	int st = wait_for(pid);
	int n = st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 255;
	check(name, n != 255, "child ended with %s", st < 0 ? strerror(errno) : wstr(st));
	if (n == 255)
		return;

	snprintf(name, sizeof(name), "%s_dup", mode);
	if (shared)
		check(name, is_open(n), "fd %d dup'ed by the child is not open here", n);
	else
		check(name, !is_open(n), "fd %d dup'ed by the child is open here", n);
	snprintf(name, sizeof(name), "%s_close", mode);
	if (shared)
		check(name, !is_open(j.victim), "fd %d closed by the child is still open",
		      j.victim);
	else
		check(name, is_open(j.victim), "fd %d closed by the child is closed here",
		      j.victim);

	snprintf(name, sizeof(name), "%s_pipe", mode);
	ssize_t r = read(p[0], buf, 2);
	check(name, r == 2 && buf[0] == 'h' && buf[1] == 'i',
	      "read %ld bytes from the pipe the child wrote", (long)r);

	if (file >= 0) {
		snprintf(name, sizeof(name), "%s_file_offset", mode);
		r = read(file, buf, 8);
		check(name, r == 8 && memcmp(buf, ref + 16, 8) == 0,
		      "after the child read 16 bytes, the parent read %ld bytes that "
		      "%s bytes 16..23", (long)r, r == 8 ? "are not" : "should be");
	}
	if (shared)
		close(n);
	else
		close(j.victim);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	t_begin("clone_files");
	const char *path = tine_path("/tests/exec_helper");
	char ref[32];
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, ref, sizeof(ref)) != sizeof(ref)) {
		fail("open", "%s: %s", path, strerror(errno));
		return t_end();
	}
	close(fd);

	int f1 = open(path, O_RDONLY), f2 = open(path, O_RDONLY);
	run("shared", CLONE_FILES | SIGCHLD, f1, ref);
	run("copied", SIGCHLD, f2, ref);
	close(f1);
	close(f2);

	/* fork is the copied case too. */
	int p[2];
	if (pipe(p) == 0) {
		pid_t pid = fork();
		if (pid == 0) {
			close(p[0]);
			_exit(write(p[1], "fork", 4) == 4 ? 0 : 1);
		}
		close(p[1]);
		char buf[8];
		ssize_t r = read(p[0], buf, sizeof(buf));
		int st = wait_for(pid);
		check("fork_pipe", r == 4 && memcmp(buf, "fork", 4) == 0 && st == 0,
		      "read %ld bytes, child %s", (long)r, wstr(st));
		r = read(p[0], buf, sizeof(buf));
		check("pipe_eof", r == 0, "read after the last writer exited gave %ld",
		      (long)r);
		close(p[0]);
	}
	return t_end();
}
