/*
 * tine.h: the whole of Tine's user-space libc in one header.
 *
 * User programs see the Linux riscv64 ABI (DESIGN.md, "User ABI"): every
 * constant and struct here has Linux's value and layout, so these programs run
 * unchanged on Linux (qemu-riscv64) and serve as the reference for Tine.
 *
 * Two layers of system calls:
 *   sys_NAME(...)  raw: returns the kernel's result, -errno on failure.
 *   NAME(...)      libc style: returns -1 and sets errno on failure.
 * The library is single-threaded; errno is one global (a 3BSD vfork child
 * shares it with its parent, as with glibc).
 */
#ifndef TINE_H
#define TINE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "syscall.h"

/* ---- types ---------------------------------------------------------------- */

typedef long ssize_t;
typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef long off_t;
typedef long time_t;
typedef int clockid_t;
typedef unsigned int mode_t;

#ifndef NULL
#define NULL ((void *)0)
#endif

struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

struct rlimit {
	unsigned long rlim_cur;
	unsigned long rlim_max;
};

/* Linux's struct sysinfo on a 64-bit kernel (include/uapi/linux/sysinfo.h):
 * 112 bytes, the libc5 padding _f[] has length 0. */
struct sysinfo {
	long uptime;
	unsigned long loads[3];
	unsigned long totalram;
	unsigned long freeram;
	unsigned long sharedram;
	unsigned long bufferram;
	unsigned long totalswap;
	unsigned long freeswap;
	uint16_t procs;
	uint16_t pad;
	unsigned long totalhigh;
	unsigned long freehigh;
	uint32_t mem_unit;
};
_Static_assert(offsetof(struct sysinfo, freeram) == 40, "sysinfo layout");
_Static_assert(offsetof(struct sysinfo, procs) == 80, "sysinfo layout");
_Static_assert(offsetof(struct sysinfo, totalhigh) == 88, "sysinfo layout");
_Static_assert(offsetof(struct sysinfo, mem_unit) == 104, "sysinfo layout");
_Static_assert(sizeof(struct sysinfo) == 112, "sysinfo layout");

struct utsname {
	char sysname[65];
	char nodename[65];
	char release[65];
	char version[65];
	char machine[65];
	char domainname[65];
};

struct rusage;          /* wait4's last argument: always NULL here */

/* ELF, for the auxv checks. */
typedef struct {
	unsigned char e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Elf64_Ehdr;

typedef struct {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
} Elf64_Phdr;

#define PT_LOAD 1
#define PT_PHDR 6
#define PF_X 1
#define PF_W 2
#define PF_R 4

/* ---- constants ------------------------------------------------------------ */

/* errno */
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define EMFILE 24
#define ENOSPC 28
#define ESPIPE 29
#define EPIPE 32
#define ERANGE 34
#define ENOSYS 38

/* clone flags (include/uapi/linux/sched.h) */
#define CSIGNAL 0x000000ffUL
#define CLONE_VM 0x00000100UL
#define CLONE_FS 0x00000200UL
#define CLONE_FILES 0x00000400UL
#define CLONE_SIGHAND 0x00000800UL
#define CLONE_PIDFD 0x00001000UL    /* NetBSD's CLONE_PID: Tine says EINVAL */
#define CLONE_PTRACE 0x00002000UL
#define CLONE_VFORK 0x00004000UL
#define CLONE_PARENT 0x00008000UL
#define CLONE_THREAD 0x00010000UL
#define CLONE_NEWNS 0x00020000UL
#define CLONE_SYSVSEM 0x00040000UL
#define CLONE_SETTLS 0x00080000UL
#define CLONE_PARENT_SETTID 0x00100000UL
#define CLONE_CHILD_CLEARTID 0x00200000UL
#define CLONE_DETACHED 0x00400000UL
#define CLONE_UNTRACED 0x00800000UL
#define CLONE_CHILD_SETTID 0x01000000UL

/* signals (asm-generic/signal.h) */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define NSIG 65                 /* signals are 1 .. 64 */

/* wait4 options and status decoding */
#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000
#define WEXITSTATUS(s) (((s) & 0xff00) >> 8)
#define WTERMSIG(s) ((s) & 0x7f)
#define WSTOPSIG(s) WEXITSTATUS(s)
#define WCOREDUMP(s) ((s) & 0x80)
#define WIFEXITED(s) (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (((signed char)(((s) & 0x7f) + 1) >> 1) > 0)
#define WIFSTOPPED(s) (((s) & 0xff) == 0x7f)

/* mmap */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON MAP_ANONYMOUS
#define MAP_FAILED ((void *)-1)

/* open */
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DIRECTORY 0200000
#define O_CLOEXEC 02000000
#define AT_FDCWD (-100)

/* clocks */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1

/* resource limits */
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIM_INFINITY (~0UL)

/* auxiliary vector (include/uapi/linux/auxvec.h) */
#define AT_NULL 0
#define AT_IGNORE 1
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

/* ---- process state set up by crt0 ----------------------------------------- */

extern int errno;
extern char **environ;
extern unsigned long *__auxv;   /* the (type, value) pairs after envp */

unsigned long getauxval(unsigned long type);    /* 0 if absent */

/* ---- raw system calls: result or -errno ------------------------------------ */

long sys_read(int fd, void *buf, size_t n);
long sys_write(int fd, const void *buf, size_t n);
long sys_openat(int dirfd, const char *path, int flags, mode_t mode);
long sys_close(int fd);
long sys_dup(int fd);
long sys_dup3(int oldfd, int newfd, int flags);
long sys_pipe2(int fds[2], int flags);
__attribute__((noreturn)) void sys_exit(int status);       /* exit (93) */
__attribute__((noreturn)) void sys_exit_group(int status); /* exit_group (94) */
long sys_set_tid_address(int *tidptr);
long sys_nanosleep(const struct timespec *req, struct timespec *rem);
long sys_clock_gettime(clockid_t clk, struct timespec *ts);
long sys_sched_yield(void);
long sys_kill(pid_t pid, int sig);
long sys_getpid(void);
long sys_getppid(void);
long sys_getuid(void);
long sys_geteuid(void);
long sys_setuid(uid_t uid);
long sys_gettid(void);
long sys_sysinfo(struct sysinfo *info);
long sys_uname(struct utsname *u);
long sys_brk(void *addr);               /* returns the (new or old) break */
long sys_munmap(void *addr, size_t len);
/* clone in Linux riscv64 order (CLONE_BACKWARDS): flags, newsp, parent_tid,
 * tls, child_tid. Returns 0 in the child on the stack it was given, so use it
 * only with newsp == 0 unless the caller is careful; see clone() below. */
long sys_clone(unsigned long flags, void *newsp, int *parent_tid,
	       unsigned long tls, int *child_tid);
long sys_execve(const char *path, char *const argv[], char *const envp[]);
long sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
long sys_mprotect(void *addr, size_t len, int prot);
long sys_wait4(pid_t pid, int *status, int options, struct rusage *ru);
long sys_prlimit64(pid_t pid, int resource, const struct rlimit *new_limit,
		   struct rlimit *old_limit);
long sys_getrlimit(int resource, struct rlimit *rlim);
long sys_setrlimit(int resource, const struct rlimit *rlim);

/* ---- libc-style wrappers: -1 and errno on failure -------------------------- */

ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
int open(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
int close(int fd);
int dup(int fd);
int dup3(int oldfd, int newfd, int flags);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
__attribute__((noreturn)) void _exit(int status);          /* exit_group */
int nanosleep(const struct timespec *req, struct timespec *rem);
int clock_gettime(clockid_t clk, struct timespec *ts);
int sched_yield(void);
int kill(pid_t pid, int sig);
pid_t getpid(void);
pid_t getppid(void);
pid_t gettid(void);
uid_t getuid(void);
uid_t geteuid(void);
int setuid(uid_t uid);
int sysinfo(struct sysinfo *info);
int uname(struct utsname *u);
int brk(void *addr);
void *sbrk(long increment);
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
int execve(const char *path, char *const argv[], char *const envp[]);
pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);
pid_t waitpid(pid_t pid, int *status, int options);
int getrlimit(int resource, struct rlimit *rlim);
int setrlimit(int resource, const struct rlimit *rlim);
int prlimit64(pid_t pid, int resource, const struct rlimit *new_limit,
	      struct rlimit *old_limit);

/* fork: clone(SIGCHLD, 0). */
pid_t fork(void);
/* 3BSD vfork (vfork.S): clone(CLONE_VM|CLONE_VFORK|SIGCHLD, 0). The child
 * borrows the parent's memory and stack: it may only write to memory,
 * call execve or _exit, and must not return from the function that called
 * vfork. */
__attribute__((returns_twice)) pid_t vfork(void);
/* 4.4BSD vfork: clone(CLONE_VFORK|SIGCHLD, 0): memory copied as for fork, the
 * parent sleeps until the child execs or exits. */
__attribute__((returns_twice)) pid_t vfork44(void);
/* glibc-style clone (clone.S): the child runs fn(arg) on stack (its top) and
 * exits (exit, 93) with fn's result; the parent gets the pid. flags are the
 * raw clone flags, exit signal included. */
int clone(int (*fn)(void *), void *stack, unsigned long flags, void *arg);

/* ---- string.c -------------------------------------------------------------- */

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
const char *strerror(int err);

/* ---- stdio.c: printf family; stdout (fd 1) buffered, flushed at newline,
 * when full and by exit(). dprintf writes unbuffered to any fd.
 * Conversions: %d %i %u %x %X %p %s %c %%, with l/ll/z, '-', '0', width and
 * a precision for %s. ---------------------------------------------------------- */

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vprintf(const char *fmt, va_list ap);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int puts(const char *s);
int putchar(int c);
int fflush_stdout(void);

/* ---- stdlib.c -------------------------------------------------------------- */

__attribute__((noreturn)) void exit(int status);  /* flush stdout, exit_group */
__attribute__((noreturn)) void abort(void);       /* kill(self, SIGABRT) */
int atoi(const char *s);
long atol(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
char *getenv(const char *name);
void *malloc(size_t n);         /* first fit over brk, 16-byte aligned */
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);

/* TINE_ROOT: an absolute path p as seen from this program. On Tine it is p;
 * running on Linux, the environment variable TINE_ROOT names a directory laid
 * out like the initrd and is put in front, so /bin/true can be the one just
 * built. Returns a pointer to a static buffer (one of a few, round robin). */
const char *tine_path(const char *p);

#endif
