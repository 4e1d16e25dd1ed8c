/*
 * forktrace PROGRAM [ARGS...]: runs PROGRAM under ptrace and prints, on
 * stderr, one line per process event as it happens, indented by depth in
 * the process tree:
 *
 *   12 exec /tests/forktree
 *   12 fork -> 13
 *     13 vfork -> 14
 *       14 exit 7
 *     13 vfork done -> 14
 *     13 clone -> 15
 *       15 exec /bin/true
 *       15 exit 0
 *     13 exit 3
 *   12 exit 0
 *
 * A strace for fork. An ordinary Linux ptrace(2) program (static glibc):
 * it runs the same on Linux and on Tine. The child asks to be traced
 * (PTRACE_TRACEME) and stops itself, so the options are set before its
 * exec; with PTRACE_O_TRACEFORK/VFORK/CLONE every descendant is traced
 * too. A new child is held at its first stop until its parent's fork event
 * has been printed, so a tree's lines come in creation order. The exec
 * path is the new image's AT_EXECFN, read from its initial stack
 * (PTRACE_GETREGSET for sp, PTRACE_PEEKDATA for the words).
 *
 * Exits with PROGRAM's exit status (128 + signal when it was killed).
 */
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXPROCS 256

struct tracee {
	pid_t pid;
	int depth;
	int announced;  /* its parent's fork event has been printed */
	int first_stop; /* its first stop (the SIGSTOP of the attach) was seen */
	int held;       /* stopped there, waiting for the announcement */
};

static struct tracee procs[MAXPROCS];
static int nprocs;

static struct tracee *find(pid_t pid, int create)
{
	for (int i = 0; i < nprocs; i++)
		if (procs[i].pid == pid)
			return &procs[i];
	if (!create || nprocs == MAXPROCS)
		return NULL;
	struct tracee *t = &procs[nprocs++];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	return t;
}

static void forget(pid_t pid)
{
	for (int i = 0; i < nprocs; i++)
		if (procs[i].pid == pid) {
			procs[i] = procs[--nprocs];
			return;
		}
}

static void say(const struct tracee *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(const struct tracee *t, const char *fmt, ...)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "%*s%d ", 2 * (t ? t->depth : 0), "",
			 t ? t->pid : 0);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

static int peek(pid_t pid, unsigned long addr, unsigned long *word)
{
	errno = 0;
	long v = ptrace(PTRACE_PEEKDATA, pid, (void *)addr, NULL);
	if (errno)
		return -1;
	*word = (unsigned long)v;
	return 0;
}

/* The path the new image was executed as: AT_EXECFN on its initial stack. */
static void exec_path(pid_t pid, char *buf, size_t size)
{
	unsigned long regs[32], w, at;
	struct iovec iov = { regs, sizeof(regs) };

	snprintf(buf, size, "?");
	if (ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRSTATUS, &iov) != 0)
		return;
	at = regs[2]; /* sp: argc, argv..., 0, envp..., 0, auxv */
	if (peek(pid, at, &w))
		return;
	at += (w + 2) * 8;
	for (int i = 0; i < 4096; i++, at += 8) {
		if (peek(pid, at, &w))
			return;
		if (w == 0)
			break;
	}
	for (at += 8;; at += 16) {
		unsigned long type, val;
		if (peek(pid, at, &type) || peek(pid, at + 8, &val) || type == AT_NULL)
			return;
		if (type != AT_EXECFN)
			continue;
		size_t n = 0;
		while (n + 1 < size) {
			if (peek(pid, val + n, &w))
				break;
			for (int b = 0; b < 8 && n + 1 < size; b++, n++) {
				buf[n] = (char)(w >> (8 * b));
				if (!buf[n]) return;
			}
		}
		buf[n] = 0;
		return;
	}
}

static void resume(pid_t pid, int sig)
{
	if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig) != 0 && errno != ESRCH)
		perror("forktrace: PTRACE_CONT");
}

static void describe_exit(const struct tracee *t, int status)
{
	if (WIFEXITED(status))
		say(t, "exit %d", WEXITSTATUS(status));
	else
		say(t, "killed by signal %d", WTERMSIG(status));
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: forktrace PROGRAM [ARGS...]\n");
		return 2;
	}
	pid_t child = fork();
	if (child < 0) {
		perror("forktrace: fork");
		return 1;
	}
	if (child == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) {
			perror("forktrace: PTRACE_TRACEME");
			_exit(127);
		}
		/* The tracer sets its options now (kill, not raise: raise is
		 * tgkill, and one thread is all there is). */
		kill(getpid(), SIGSTOP);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "forktrace: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}

	int status;
	if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) {
		fprintf(stderr, "forktrace: the child did not stop\n");
		return 1;
	}
	const long options = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
			     PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT |
			     PTRACE_O_TRACEVFORKDONE | PTRACE_O_EXITKILL;
	if (ptrace(PTRACE_SETOPTIONS, child, NULL, (void *)options) != 0) {
		perror("forktrace: PTRACE_SETOPTIONS");
		return 1;
	}
	struct tracee *root = find(child, 1);
	root->announced = 1;
	root->first_stop = 1;
	resume(child, 0);

	int result = 0;
	for (;;) {
		pid_t pid = waitpid(-1, &status, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: every tracee is gone */
		}
		struct tracee *t = find(pid, 1);
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (pid == child)
				result = WIFEXITED(status) ? WEXITSTATUS(status)
							   : 128 + WTERMSIG(status);
			forget(pid);
			continue;
		}
		if (!WIFSTOPPED(status) || !t)
			continue;
		const int sig = WSTOPSIG(status);
		const int event = status >> 16;
		if (sig == SIGTRAP && event) {
			unsigned long msg = 0;
			ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg);
			if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
			    event == PTRACE_EVENT_CLONE) {
				const char *what = event == PTRACE_EVENT_FORK	 ? "fork"
						   : event == PTRACE_EVENT_VFORK ? "vfork"
										 : "clone";
				say(t, "%s -> %lu", what, msg);
				const int depth = t->depth;
				struct tracee *c = find((pid_t)msg, 1);
				if (c) {
					c->depth = depth + 1;
					c->announced = 1;
					if (c->held) {
						c->held = 0;
						resume(c->pid, 0);
					}
				}
			} else if (event == PTRACE_EVENT_VFORK_DONE) {
				say(t, "vfork done -> %lu", msg);
			} else if (event == PTRACE_EVENT_EXEC) {
				char path[256];
				exec_path(pid, path, sizeof(path));
				say(t, "exec %s", path);
			} else if (event == PTRACE_EVENT_EXIT) {
				describe_exit(t, (int)msg);
			}
			resume(pid, 0);
			continue;
		}
		if (sig == SIGSTOP && !t->first_stop) {
			/* A new child's first stop: it runs once its parent's
			 * event has been printed. */
			t->first_stop = 1;
			if (t->announced)
				resume(pid, 0);
			else
				t->held = 1;
			continue;
		}
		/* Any other signal goes on to the tracee. */
		resume(pid, sig == SIGTRAP ? 0 : sig);
	}
	return result;
}
