/*
 * forktrace: /bin/forktrace (userland/forktrace, a static glibc ptrace
 * program) follows /tests/forktree, a three-level fork/vfork/clone tree
 * with an exec, and prints every event. Its stderr, pids renamed a, b, c,
 * ... in order of appearance, must be exactly the tree below, and it must
 * exit with forktree's status (0). The order is forced: every parent waits
 * for its child, forktrace holds a new child until its parent's event is
 * printed, and a vfork child's exit event comes before its parent's
 * VFORK_DONE (ptrace(2): PTRACE_EVENT_EXIT stops "before exit").
 *
 * qemu-user has no ptrace: under it (run-on-linux.sh) the check is
 * skipped; on a real Linux kernel forktrace prints the same tree.
 */
#include "t.h"

static const char expected[] =
	"a exec /tests/forktree\n"
	"a fork -> b\n"
	"  b vfork -> c\n"
	"    c exit 7\n"
	"  b vfork done -> c\n"
	"  b clone -> d\n"
	"    d exec /bin/true\n"
	"    d exit 0\n"
	"  b exit 3\n"
	"a exit 0\n";

static char out[4096];
static char norm[4096];

/* Pids to letters, in order of first appearance. */
static long pids[26];
static int npids;

static char letter(long pid)
{
	for (int i = 0; i < npids; i++)
		if (pids[i] == pid)
			return (char)('a' + i);
	if (npids == 26)
		return '?';
	pids[npids++] = pid;
	return (char)('a' + npids - 1);
}

static long number(const char **p)
{
	long v = 0;
	while (**p >= '0' && **p <= '9')
		v = v * 10 + (*(*p)++ - '0');
	return v;
}

/* "  123 fork -> 456" -> "  b fork -> c" (only the pid fields). */
static void normalize(void)
{
	const char *s = out;
	char *d = norm;
	char *end = norm + sizeof(norm) - 8;
	while (*s && d < end) {
		while (*s == ' ' && d < end)
			*d++ = *s++;
		if (*s >= '0' && *s <= '9')
			*d++ = letter(number(&s));
		while (*s && *s != '\n' && d < end) {
			if (s[0] == '-' && s[1] == '>' && s[2] == ' ') {
				*d++ = *s++;
				*d++ = *s++;
				*d++ = *s++;
				if (*s >= '0' && *s <= '9')
					*d++ = letter(number(&s));
				continue;
			}
			*d++ = *s++;
		}
		if (*s == '\n')
			*d++ = *s++;
	}
	*d = 0;
}

int main(void)
{
	t_begin("forktrace");
	if (on_linux()) {
		skip("tree", "qemu-user has no ptrace");
		return t_end();
	}
	int fds[2];
	if (pipe(fds) != 0) {
		fail("pipe", "%s", strerror(errno));
		return t_end();
	}
	fflush_stdout();
	pid_t pid = fork();
	if (pid == 0) {
		dup3(fds[1], 2, 0);
		close(fds[0]);
		close(fds[1]);
		char *argv[] = { (char *)"forktrace", (char *)"/tests/forktree", NULL };
		execve("/bin/forktrace", argv, environ);
		_exit(127);
	}
	close(fds[1]);
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fds[0], out + n, sizeof(out) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	out[n] = 0;
	close(fds[0]);
	int st = wait_for(pid);
	check("status", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "forktrace: %s",
	      wstr(st));
	normalize();
	const int same = strcmp(norm, expected) == 0;
	if (!same) {
		printf("# forktrace printed:\n%s# expected:\n%s", norm, expected);
	}
	check("tree", same, "the tree differs (above)");
	return t_end();
}
