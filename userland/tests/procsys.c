/*
 * procsys: /proc/sys/kernel/pid_max is the kernel's pid limit and root may
 * set it, as on Linux: after a write, pids (and the pid of a process made
 * after the cursor passes the limit) stay below the new value and wrap;
 * values outside 301 .. Tine's table size, and text that is not a number,
 * are EINVAL and change nothing; another user's open for writing is
 * EACCES, and so is root's for a read-only sysctl (tainted). Tine-only:
 * on Linux it would change the host's pid limit.
 * /proc/cpuinfo has RISC-V Linux's block per online hart: "processor" 0, 1,
 * ... as many as the harts sysconf and /proc/stat count, each with its
 * "hart" id (all different), "isa" rv64... and "mmu" sv39/48/57.
 * /proc/sys/kernel/core_pattern is root's to write, as on Linux: it reads
 * back (up to the newline), 128 bytes are EINVAL, and a core dump takes its
 * name from it ("core.%p" gives core.<pid>); a "|program" pattern, which
 * Tine cannot run, gives no file and no core bit. "core" again at the end.
 * /proc/sys/kernel/ns_last_pid reads the pid last handed out, and root's
 * write of N makes N + 1 the next (0 .. pid_max, else EINVAL).
 */
#include "t.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#define PID_MAX "/proc/sys/kernel/pid_max"
#define CORE_PATTERN "/proc/sys/kernel/core_pattern"
#define NS_LAST_PID "/proc/sys/kernel/ns_last_pid"

static long read_pid_max(void)
{
	char buf[32] = "";
	int fd = open(PID_MAX, O_RDONLY);
	long n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* Writes s whole in one write: 0, or -errno. */
static int write_pid_max(const char *s)
{
	int fd = open(PID_MAX, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	int r = write(fd, s, strlen(s)) == (long)strlen(s) ? 0 : -errno;
	close(fd);
	return r;
}

static int write_text(const char *path, const char *s, size_t n)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	int r = write(fd, s, n) == (long)n ? 0 : -errno;
	close(fd);
	return r;
}

static void read_text(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	long got = fd >= 0 ? read(fd, buf, n - 1) : -1;
	buf[got > 0 ? got : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* A child that dies of SIGQUIT with RLIMIT_CORE raised, in the cwd: its
 * wait status; its pid in *pid. */
static int quit_child(pid_t *pid)
{
	*pid = fork();
	if (*pid == 0) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
		setrlimit(RLIMIT_CORE, &rl);
		raise(SIGQUIT);
		_exit(1);
	}
	return wait_for(*pid);
}

static void core_pattern(void)
{
	char buf[256], name[64];
	read_text(CORE_PATTERN, buf, sizeof(buf));
	check("core_pattern_default", strcmp(buf, "core\n") == 0, "reads '%s'", buf);
	char dir[] = "/tmp/procsysXXXXXX";
	if (!mkdtemp(dir) || chdir(dir) != 0) {
		fail("core_pattern_dir", "mkdtemp: %s", strerror(errno));
		return;
	}
	int r = write_text(CORE_PATTERN, "core.%p\n", 8);
	read_text(CORE_PATTERN, buf, sizeof(buf));
	check("core_pattern_writes", r == 0 && strcmp(buf, "core.%p\n") == 0, "write: %d, reads '%s'",
	      r, buf);
	pid_t pid;
	int st = quit_child(&pid);
	snprintf(name, sizeof(name), "core.%d", (int)pid);
	struct stat sb;
	check("core_pattern_names_core", WCOREDUMP(st) && stat(name, &sb) == 0 && sb.st_size > 0,
	      "status %s, %s: %d", wstr(st), name, stat(name, &sb));
	unlink(name);
	memset(buf, 'c', 128);
	r = write_text(CORE_PATTERN, buf, 128);
	check("core_pattern_too_long", r == -EINVAL, "128 bytes: %d", r);
	r = write_text(CORE_PATTERN, "|/bin/nothing %p", 16);
	st = quit_child(&pid);
	snprintf(name, sizeof(name), "|/bin/nothing %d", (int)pid);
	check("core_pattern_pipe_no_core", r == 0 && WIFSIGNALED(st) && !WCOREDUMP(st) &&
	      stat(name, &sb) != 0 && stat("core", &sb) != 0, "write: %d, status %s", r, wstr(st));
	r = write_text(CORE_PATTERN, "core", 4);
	read_text(CORE_PATTERN, buf, sizeof(buf));
	check("core_pattern_restored", r == 0 && strcmp(buf, "core\n") == 0, "reads '%s'", buf);
	chdir("/");
	rmdir(dir);
}

/* The pid of a child that exits at once. */
static pid_t fork_one(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		wait_for(pid);
	return pid;
}

/* ns_last_pid is the pid last handed out, and root sets the next one:
 * after writing N, a fork child is N + 1 and ns_last_pid reads N + 1. */
static void ns_last_pid(void)
{
	char buf[32];
	read_text(NS_LAST_PID, buf, sizeof(buf));
	const long before = strtol(buf, NULL, 10);
	pid_t a = fork_one();
	read_text(NS_LAST_PID, buf, sizeof(buf));
	check("ns_last_pid_reads", a == before + 1 && strtol(buf, NULL, 10) == a,
	      "read %ld, then forked %d, then read %s", before, (int)a, buf);
	const long want = a + 100;
	char text[32];
	snprintf(text, sizeof(text), "%ld\n", want - 1);
	int r = write_text(NS_LAST_PID, text, strlen(text));
	pid_t b = fork_one();
	read_text(NS_LAST_PID, buf, sizeof(buf));
	check("ns_last_pid_sets_next", r == 0 && b == want && strtol(buf, NULL, 10) == want,
	      "write %ld: %d, forked %d, reads %s", want - 1, r, (int)b, buf);
	check("ns_last_pid_range", write_text(NS_LAST_PID, "-1", 2) == -EINVAL &&
	      write_text(NS_LAST_PID, "70000", 5) == -EINVAL, "-1 and 70000 not EINVAL");

	/* A /proc/<pid> directory used as a pidfd names its own process: once
	 * that is reaped and another gets its pid, pidfd_send_signal through
	 * it is ESRCH (LTP pidfd_send_signal03); a fresh open names the new one. */
	char dir[32];
	int pipefd[2];
	if (pipe(pipefd) != 0)
		return;
	pid_t old = fork();
	if (old == 0) {
		char c;
		close(pipefd[1]);
		read(pipefd[0], &c, 1);
		_exit(0);
	}
	snprintf(dir, sizeof(dir), "/proc/%d", (int)old);
	int oldfd = open(dir, O_DIRECTORY | O_RDONLY);
	close(pipefd[0]);
	close(pipefd[1]);
	wait_for(old);
	snprintf(text, sizeof(text), "%d", (int)old - 1);
	write_text(NS_LAST_PID, text, strlen(text));
	if (pipe(pipefd) != 0)
		return;
	pid_t again = fork();
	if (again == 0) {
		char c;
		close(pipefd[1]);
		read(pipefd[0], &c, 1);
		_exit(0);
	}
	long stale = syscall(424, oldfd, 0, NULL, 0);
	int stale_errno = errno;
	int newfd = open(dir, O_DIRECTORY | O_RDONLY);
	long fresh = syscall(424, newfd, 0, NULL, 0);
	check("proc_dir_pidfd_stale", again == old && oldfd >= 0 && stale == -1 &&
	      stale_errno == ESRCH && fresh == 0, "pid %d again %d: old dir %ld (%d), new dir %ld",
	      (int)old, (int)again, stale, stale_errno, fresh);
	close(pipefd[0]);
	close(pipefd[1]);
	wait_for(again);
	close(oldfd);
	close(newfd);
}

/* The "cpuN " lines of /proc/stat. */
static int stat_harts(void)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/stat", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "cpu", 3) == 0 && line[3] >= '0' && line[3] <= '9')
			n++;
	if (f)
		fclose(f);
	return n;
}

static void cpuinfo(void)
{
	char line[512];
	int procs = 0, in_order = 1, harts = 0, isas = 0, mmus = 0, distinct = 1;
	long ids[64];
	FILE *f = fopen("/proc/cpuinfo", "r");
	check("cpuinfo_opens", f != NULL, "open: %d", errno);
	while (f && fgets(line, sizeof(line), f)) {
		long v;
		char word[64];
		if (sscanf(line, "processor : %ld", &v) == 1) {
			if (v != procs)
				in_order = 0;
			procs++;
		} else if (sscanf(line, "hart : %ld", &v) == 1 && harts < 64) {
			for (int i = 0; i < harts; i++)
				if (ids[i] == v)
					distinct = 0;
			ids[harts++] = v;
		} else if (sscanf(line, "isa : %63s", word) == 1) {
			isas += strncmp(word, "rv64i", 5) == 0;
		} else if (sscanf(line, "mmu : %63s", word) == 1) {
			mmus += strcmp(word, "sv39") == 0 || strcmp(word, "sv48") == 0 ||
				strcmp(word, "sv57") == 0;
		}
	}
	if (f)
		fclose(f);
	const long online = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;
	const int affinity = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : -1;
	check("cpuinfo_one_per_hart", procs > 0 && procs == online && procs == stat_harts() &&
	      procs == affinity, "%d processors, %ld online, %d in /proc/stat, %d in the affinity",
	      procs, online, stat_harts(), affinity);
	check("cpuinfo_numbered", in_order, "processor numbers out of order");
	check("cpuinfo_riscv_lines", harts == procs && isas == procs && mmus == procs,
	      "%d processors: %d hart, %d isa rv64i..., %d mmu lines", procs, harts, isas, mmus);
	check("cpuinfo_hart_ids", distinct, "a hart id twice");
}

int main(void)
{
	t_begin("procsys");
	if (on_linux()) {
		skip("all", "would change the host's pid_max");
		return t_end();
	}
	cpuinfo();
	core_pattern();
	const long old = read_pid_max();
	check("read", old > 301, "pid_max %ld", old);

	/* A limit a little above the pids handed out now: forking must wrap
	 * below it. */
	pid_t last = fork_one();
	long lim = last + 40 < 301 ? 301 : last + 40;
	char text[32];
	snprintf(text, sizeof(text), "%ld\n", lim);
	int r = write_pid_max(text);
	check("root_writes", r == 0, "write %ld: %d", lim, r);
	check("reads_back", read_pid_max() == lim, "pid_max %ld, wrote %ld", read_pid_max(), lim);
	int wrapped = 0, above = 0;
	for (long i = 0; i < 2 * lim && !wrapped; i++) {
		pid_t pid = fork_one();
		if (pid < 0)
			break;
		if (pid >= lim)
			above++;
		if (pid < last)
			wrapped = 1;
		last = pid;
	}
	check("pids_below", above == 0, "%d pids at or above %ld", above, lim);
	check("pids_wrap", wrapped, "no pid wrapped below %ld", lim);

	check("too_small", write_pid_max("300") == -EINVAL, "300: %d", write_pid_max("300"));
	check("too_big", write_pid_max("65537") == -EINVAL, "65537: %d", write_pid_max("65537"));
	check("not_number", write_pid_max("12x") == -EINVAL, "12x: %d", write_pid_max("12x"));
	check("unchanged", read_pid_max() == lim, "pid_max %ld after bad writes", read_pid_max());

	pid_t c = fork();
	if (c == 0) {
		if (setuid(1000) != 0)
			_exit(2);
		_exit(write_pid_max("5000") == -EACCES ? 0 : 1);
	}
	int st = wait_for(c);
	check("user_eacces", WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %s", wstr(st));
	int fd = open("/proc/sys/kernel/tainted", O_WRONLY);
	check("readonly_eacces", fd < 0 && errno == EACCES, "open tainted for writing: %d", fd);
	if (fd >= 0)
		close(fd);

	snprintf(text, sizeof(text), "%ld", old);
	r = write_pid_max(text);
	check("restored", r == 0 && read_pid_max() == old, "write %ld: %d", old, r);
	ns_last_pid();
	return t_end();
}
