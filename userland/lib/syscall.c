/*
 * syscall.c: raw system call wrappers (result or -errno) and the libc-style
 * wrappers over them (-1 and errno). vfork and clone are in assembly
 * (vfork.S, clone.S): their child must not return into a C frame.
 */
#include "tine.h"

int errno;

/* ---- raw -------------------------------------------------------------------- */

long sys_read(int fd, void *buf, size_t n) { return syscall3(SYS_read, fd, buf, n); }
long sys_write(int fd, const void *buf, size_t n) { return syscall3(SYS_write, fd, buf, n); }
long sys_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	return syscall4(SYS_openat, dirfd, path, flags, mode);
}
long sys_close(int fd) { return syscall1(SYS_close, fd); }
long sys_dup(int fd) { return syscall1(SYS_dup, fd); }
long sys_dup3(int oldfd, int newfd, int flags) { return syscall3(SYS_dup3, oldfd, newfd, flags); }
long sys_pipe2(int fds[2], int flags) { return syscall2(SYS_pipe2, fds, flags); }

void sys_exit(int status)
{
	for (;;)
		syscall1(SYS_exit, status);
}

void sys_exit_group(int status)
{
	for (;;)
		syscall1(SYS_exit_group, status);
}

long sys_set_tid_address(int *tidptr) { return syscall1(SYS_set_tid_address, tidptr); }
long sys_nanosleep(const struct timespec *req, struct timespec *rem)
{
	return syscall2(SYS_nanosleep, req, rem);
}
long sys_clock_gettime(clockid_t clk, struct timespec *ts)
{
	return syscall2(SYS_clock_gettime, clk, ts);
}
long sys_sched_yield(void) { return syscall0(SYS_sched_yield); }
long sys_kill(pid_t pid, int sig) { return syscall2(SYS_kill, pid, sig); }
long sys_getpid(void) { return syscall0(SYS_getpid); }
long sys_getppid(void) { return syscall0(SYS_getppid); }
long sys_getuid(void) { return syscall0(SYS_getuid); }
long sys_geteuid(void) { return syscall0(SYS_geteuid); }
long sys_setuid(uid_t uid) { return syscall1(SYS_setuid, uid); }
long sys_gettid(void) { return syscall0(SYS_gettid); }
long sys_sysinfo(struct sysinfo *info) { return syscall1(SYS_sysinfo, info); }
long sys_uname(struct utsname *u) { return syscall1(SYS_uname, u); }
long sys_brk(void *addr) { return syscall1(SYS_brk, addr); }
long sys_munmap(void *addr, size_t len) { return syscall2(SYS_munmap, addr, len); }

long sys_clone(unsigned long flags, void *newsp, int *parent_tid,
	       unsigned long tls, int *child_tid)
{
#if defined(__x86_64__)
	/* x86_64 swaps the last two: clone(flags, newsp, ptid, ctid, tls). */
	return syscall5(SYS_clone, flags, newsp, parent_tid, child_tid, tls);
#else
	return syscall5(SYS_clone, flags, newsp, parent_tid, tls, child_tid);
#endif
}

long sys_execve(const char *path, char *const argv[], char *const envp[])
{
	return syscall3(SYS_execve, path, argv, envp);
}
long sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);
}
long sys_mprotect(void *addr, size_t len, int prot)
{
	return syscall3(SYS_mprotect, addr, len, prot);
}
long sys_wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	return syscall4(SYS_wait4, pid, status, options, ru);
}
long sys_prlimit64(pid_t pid, int resource, const struct rlimit *new_limit,
		   struct rlimit *old_limit)
{
	return syscall4(SYS_prlimit64, pid, resource, new_limit, old_limit);
}
long sys_getrlimit(int resource, struct rlimit *rlim)
{
	return syscall2(SYS_getrlimit, resource, rlim);
}
long sys_setrlimit(int resource, const struct rlimit *rlim)
{
	return syscall2(SYS_setrlimit, resource, rlim);
}

/* ---- libc style ------------------------------------------------------------- */

static long ret(long r)
{
	if (SYSCALL_IS_ERR(r)) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

ssize_t read(int fd, void *buf, size_t n) { return ret(sys_read(fd, buf, n)); }
ssize_t write(int fd, const void *buf, size_t n) { return ret(sys_write(fd, buf, n)); }

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return (int)ret(sys_openat(dirfd, path, flags, mode));
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return (int)ret(sys_openat(AT_FDCWD, path, flags, mode));
}

int close(int fd) { return (int)ret(sys_close(fd)); }
int dup(int fd) { return (int)ret(sys_dup(fd)); }
int dup3(int oldfd, int newfd, int flags) { return (int)ret(sys_dup3(oldfd, newfd, flags)); }
int pipe(int fds[2]) { return (int)ret(sys_pipe2(fds, 0)); }
int pipe2(int fds[2], int flags) { return (int)ret(sys_pipe2(fds, flags)); }
void _exit(int status) { sys_exit_group(status); }
int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)ret(sys_nanosleep(req, rem));
}
int clock_gettime(clockid_t clk, struct timespec *ts) { return (int)ret(sys_clock_gettime(clk, ts)); }
int sched_yield(void) { return (int)ret(sys_sched_yield()); }
int kill(pid_t pid, int sig) { return (int)ret(sys_kill(pid, sig)); }
pid_t getpid(void) { return (pid_t)sys_getpid(); }
pid_t getppid(void) { return (pid_t)sys_getppid(); }
pid_t gettid(void) { return (pid_t)sys_gettid(); }
uid_t getuid(void) { return (uid_t)sys_getuid(); }
uid_t geteuid(void) { return (uid_t)sys_geteuid(); }
int setuid(uid_t uid) { return (int)ret(sys_setuid(uid)); }
int sysinfo(struct sysinfo *info) { return (int)ret(sys_sysinfo(info)); }
int uname(struct utsname *u) { return (int)ret(sys_uname(u)); }

/* Linux's brk returns the new break on success and the old one on failure. */
int brk(void *addr)
{
	long r = sys_brk(addr);

	if (r != (long)addr) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void *sbrk(long increment)
{
	static long cur;

	if (cur == 0)
		cur = sys_brk(0);
	if (increment == 0)
		return (void *)cur;
	long want = cur + increment;
	long got = sys_brk((void *)want);
	if (got != want) {
		errno = ENOMEM;
		return (void *)-1;
	}
	long old = cur;
	cur = got;
	return (void *)old;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	long r = sys_mmap(addr, len, prot, flags, fd, off);

	if (SYSCALL_IS_ERR(r)) {
		errno = (int)-r;
		return MAP_FAILED;
	}
	return (void *)r;
}

int munmap(void *addr, size_t len) { return (int)ret(sys_munmap(addr, len)); }
int mprotect(void *addr, size_t len, int prot) { return (int)ret(sys_mprotect(addr, len, prot)); }
int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)ret(sys_execve(path, argv, envp));
}
pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	return (pid_t)ret(sys_wait4(pid, status, options, ru));
}
pid_t waitpid(pid_t pid, int *status, int options)
{
	return (pid_t)ret(sys_wait4(pid, status, options, NULL));
}
int getrlimit(int resource, struct rlimit *rlim) { return (int)ret(sys_getrlimit(resource, rlim)); }
int setrlimit(int resource, const struct rlimit *rlim)
{
	return (int)ret(sys_setrlimit(resource, rlim));
}
int prlimit64(pid_t pid, int resource, const struct rlimit *new_limit,
	      struct rlimit *old_limit)
{
	return (int)ret(sys_prlimit64(pid, resource, new_limit, old_limit));
}

pid_t fork(void)
{
	fflush_stdout();        /* or the child prints the parent's buffer too */
	return (pid_t)ret(sys_clone(SIGCHLD, 0, 0, 0, 0));
}

/* The child has its own copy of this frame, so returning here is safe. */
pid_t vfork44(void)
{
	fflush_stdout();
	return (pid_t)ret(sys_clone(CLONE_VFORK | SIGCHLD, 0, 0, 0, 0));
}
