// The Linux riscv64 emulation's shims, one file per area (process, memory,
// files, signals, system); table.cpp maps syscall numbers to them.
#pragma once

#include "core/proc/emul.h"
#include "core/proc/syscall.h"

namespace tine {

struct Proc;
struct Lwp;

// Paths and attributes (paths.cpp, stat.cpp, mounts.cpp) and vectored or
// positioned I/O (files.cpp).
i64 linux_sys_mkdirat(const SyscallArgs& args);
i64 linux_sys_mknodat(const SyscallArgs& args);
i64 linux_sys_unlinkat(const SyscallArgs& args);
i64 linux_sys_symlinkat(const SyscallArgs& args);
i64 linux_sys_linkat(const SyscallArgs& args);
i64 linux_sys_renameat2(const SyscallArgs& args);
i64 linux_sys_readlinkat(const SyscallArgs& args);
i64 linux_sys_getdents64(const SyscallArgs& args);
i64 linux_sys_fchdir(const SyscallArgs& args);
i64 linux_sys_umask(const SyscallArgs& args);
i64 linux_sys_statx(const SyscallArgs& args);
i64 linux_sys_fchmod(const SyscallArgs& args);
i64 linux_sys_fchmodat(const SyscallArgs& args);
i64 linux_sys_fchown(const SyscallArgs& args);
i64 linux_sys_fchownat(const SyscallArgs& args);
i64 linux_sys_utimensat(const SyscallArgs& args);
i64 linux_sys_faccessat(const SyscallArgs& args);
i64 linux_sys_faccessat2(const SyscallArgs& args);
i64 linux_sys_truncate(const SyscallArgs& args);
i64 linux_sys_ftruncate(const SyscallArgs& args);
i64 linux_sys_statfs(const SyscallArgs& args);
i64 linux_sys_fstatfs(const SyscallArgs& args);
i64 linux_sys_fsync(const SyscallArgs& args);
i64 linux_sys_sync(const SyscallArgs& args);
i64 linux_sys_mount(const SyscallArgs& args);
i64 linux_sys_umount2(const SyscallArgs& args);
i64 linux_sys_readv(const SyscallArgs& args);
// Sockets (socket.cpp): socketpair(AF_UNIX) and the message calls.
i64 linux_sys_socket(const SyscallArgs& args);
i64 linux_sys_socketpair(const SyscallArgs& args);
i64 linux_sys_bind(const SyscallArgs& args);
i64 linux_sys_listen(const SyscallArgs& args);
i64 linux_sys_accept(const SyscallArgs& args);
i64 linux_sys_accept4(const SyscallArgs& args);
i64 linux_sys_connect(const SyscallArgs& args);
i64 linux_sys_getsockname(const SyscallArgs& args);
i64 linux_sys_getpeername(const SyscallArgs& args);
i64 linux_sys_sendto(const SyscallArgs& args);
i64 linux_sys_recvfrom(const SyscallArgs& args);
i64 linux_sys_setsockopt(const SyscallArgs& args);
i64 linux_sys_getsockopt(const SyscallArgs& args);
i64 linux_sys_shutdown(const SyscallArgs& args);
i64 linux_sys_sendmsg(const SyscallArgs& args);
i64 linux_sys_recvmsg(const SyscallArgs& args);
i64 linux_sys_pread64(const SyscallArgs& args);
i64 linux_sys_pwrite64(const SyscallArgs& args);
i64 linux_sys_brk(const SyscallArgs& args);
i64 linux_sys_clock_gettime(const SyscallArgs& args);
i64 linux_sys_clock_getres(const SyscallArgs& args);
i64 linux_sys_gettimeofday(const SyscallArgs& args);
i64 linux_sys_getcpu(const SyscallArgs& args);
i64 linux_sys_chdir(const SyscallArgs& args);
i64 linux_sys_close(const SyscallArgs& args);
i64 linux_sys_close_range(const SyscallArgs& args);
i64 linux_sys_getcwd(const SyscallArgs& args);
i64 linux_sys_dup(const SyscallArgs& args);
i64 linux_sys_dup3(const SyscallArgs& args);
i64 linux_sys_fcntl(const SyscallArgs& args);
i64 linux_sys_fstat(const SyscallArgs& args);
i64 linux_sys_lseek(const SyscallArgs& args);
i64 linux_sys_newfstatat(const SyscallArgs& args);
i64 linux_sys_execve(const SyscallArgs& args);
i64 linux_sys_execveat(const SyscallArgs& args);
i64 linux_sys_sendfile(const SyscallArgs& args);
i64 linux_sys_exit_group(const SyscallArgs& args);
i64 linux_sys_exit(const SyscallArgs& args);
i64 linux_sys_clone3(const SyscallArgs& args);
i64 linux_sys_getegid(const SyscallArgs& args);
i64 linux_sys_geteuid(const SyscallArgs& args);
i64 linux_sys_getgid(const SyscallArgs& args);
i64 linux_sys_getpid(const SyscallArgs& args);
i64 linux_sys_getppid(const SyscallArgs& args);
i64 linux_sys_getrandom(const SyscallArgs& args);
i64 linux_sys_getrlimit(const SyscallArgs& args);
i64 linux_sys_gettid(const SyscallArgs& args);
i64 linux_sys_getuid(const SyscallArgs& args);
i64 linux_sys_ioctl(const SyscallArgs& args);
i64 linux_sys_kill(const SyscallArgs& args);
i64 linux_sys_mmap(const SyscallArgs& args);
i64 linux_sys_mprotect(const SyscallArgs& args);
i64 linux_sys_msync(const SyscallArgs& args);
i64 linux_sys_madvise(const SyscallArgs& args);
i64 linux_sys_mincore(const SyscallArgs& args);
i64 linux_sys_mremap(const SyscallArgs& args);
i64 linux_sys_munmap(const SyscallArgs& args);
i64 linux_sys_nanosleep(const SyscallArgs& args);
i64 linux_sys_clock_nanosleep(const SyscallArgs& args);
i64 linux_sys_openat(const SyscallArgs& args);
i64 linux_sys_pipe2(const SyscallArgs& args);
i64 linux_sys_prlimit64(const SyscallArgs& args);
i64 linux_sys_ptrace(const SyscallArgs& args);
i64 linux_sys_read(const SyscallArgs& args);
i64 linux_sys_rt_sigaction(const SyscallArgs& args);
i64 linux_sys_rt_sigprocmask(const SyscallArgs& args);
i64 linux_sys_rt_sigpending(const SyscallArgs& args);
i64 linux_sys_rt_sigsuspend(const SyscallArgs& args);
i64 linux_sys_rt_sigtimedwait(const SyscallArgs& args);
i64 linux_sys_rt_sigqueueinfo(const SyscallArgs& args);
i64 linux_sys_rt_sigreturn(const SyscallArgs& args);
i64 linux_sys_sigaltstack(const SyscallArgs& args);
i64 linux_sys_rt_tgsigqueueinfo(const SyscallArgs& args);
i64 linux_sys_tkill(const SyscallArgs& args);
i64 linux_sys_tgkill(const SyscallArgs& args);
i64 linux_sys_ppoll(const SyscallArgs& args);
i64 linux_sys_pselect6(const SyscallArgs& args);
i64 linux_sys_sched_yield(const SyscallArgs& args);
inline constexpr u64 kLinuxRestartSyscall = 128;  // asm-generic __NR_restart_syscall
i64 linux_sys_restart_syscall(const SyscallArgs& args);
i64 linux_sys_set_tid_address(const SyscallArgs& args);
i64 linux_sys_futex(const SyscallArgs& args);
i64 linux_sys_futex_waitv(const SyscallArgs& args);
i64 linux_sys_mq_open(const SyscallArgs& args);
i64 linux_sys_mq_unlink(const SyscallArgs& args);
i64 linux_sys_mq_timedsend(const SyscallArgs& args);
i64 linux_sys_mq_timedreceive(const SyscallArgs& args);
i64 linux_sys_mq_notify(const SyscallArgs& args);
i64 linux_sys_mq_getsetattr(const SyscallArgs& args);
i64 linux_sys_shmget(const SyscallArgs& args);
i64 linux_sys_shmctl(const SyscallArgs& args);
i64 linux_sys_shmat(const SyscallArgs& args);
i64 linux_sys_shmdt(const SyscallArgs& args);
i64 linux_sys_set_robust_list(const SyscallArgs& args);
i64 linux_sys_get_robust_list(const SyscallArgs& args);
// An exiting LWP's robust list (core/compat/linux/futex.cpp).
void linux_futex_lwp_exit(Lwp* l);
i64 linux_sys_setrlimit(const SyscallArgs& args);
i64 linux_sys_setuid(const SyscallArgs& args);
i64 linux_sys_reboot(const SyscallArgs& args);
i64 linux_sys_setgid(const SyscallArgs& args);
i64 linux_sys_setresuid(const SyscallArgs& args);
i64 linux_sys_getresuid(const SyscallArgs& args);
i64 linux_sys_setresgid(const SyscallArgs& args);
i64 linux_sys_getresgid(const SyscallArgs& args);
i64 linux_sys_getgroups(const SyscallArgs& args);
i64 linux_sys_setgroups(const SyscallArgs& args);
i64 linux_sys_capget(const SyscallArgs& args);
i64 linux_sys_capset(const SyscallArgs& args);
i64 linux_sys_sysinfo(const SyscallArgs& args);
i64 linux_sys_uname(const SyscallArgs& args);
i64 linux_sys_wait4(const SyscallArgs& args);
i64 linux_sys_waitid(const SyscallArgs& args);
i64 linux_sys_setpgid(const SyscallArgs& args);
i64 linux_sys_getpgid(const SyscallArgs& args);
i64 linux_sys_getsid(const SyscallArgs& args);
i64 linux_sys_setsid(const SyscallArgs& args);
i64 linux_sys_prctl(const SyscallArgs& args);
i64 linux_sys_write(const SyscallArgs& args);
i64 linux_sys_writev(const SyscallArgs& args);
i64 linux_sys_zero(const SyscallArgs& args);
// File kinds: eventfd.cpp, timerfd.cpp, epoll.cpp.
i64 linux_sys_epoll_create1(const SyscallArgs& args);
i64 linux_sys_epoll_ctl(const SyscallArgs& args);
i64 linux_sys_epoll_pwait(const SyscallArgs& args);
i64 linux_sys_epoll_pwait2(const SyscallArgs& args);
i64 linux_sys_eventfd2(const SyscallArgs& args);
// pidfds (pidfd.cpp).
i64 linux_sys_pidfd_open(const SyscallArgs& args);
i64 linux_sys_pidfd_send_signal(const SyscallArgs& args);
i64 linux_sys_timerfd_create(const SyscallArgs& args);
i64 linux_sys_timerfd_settime(const SyscallArgs& args);
i64 linux_sys_timerfd_gettime(const SyscallArgs& args);
// Timers (timers.cpp).
i64 linux_sys_getitimer(const SyscallArgs& args);
i64 linux_sys_setitimer(const SyscallArgs& args);
i64 linux_sys_timer_create(const SyscallArgs& args);
i64 linux_sys_timer_gettime(const SyscallArgs& args);
i64 linux_sys_timer_getoverrun(const SyscallArgs& args);
i64 linux_sys_timer_settime(const SyscallArgs& args);
i64 linux_sys_timer_delete(const SyscallArgs& args);
i64 linux_clone(const SyscallArgs& args);
i64 linux_sys_unshare(const SyscallArgs& args);
// Scheduling (sched.cpp), riscv_hwprobe (hwprobe.cpp), membarrier
// (membarrier.cpp).
i64 linux_sys_sched_getaffinity(const SyscallArgs& args);
i64 linux_sys_sched_setaffinity(const SyscallArgs& args);
i64 linux_sys_sched_get_priority_max(const SyscallArgs& args);
i64 linux_sys_sched_get_priority_min(const SyscallArgs& args);
i64 linux_sys_sched_getscheduler(const SyscallArgs& args);
i64 linux_sys_sched_setscheduler(const SyscallArgs& args);
i64 linux_sys_sched_getparam(const SyscallArgs& args);
i64 linux_sys_sched_setparam(const SyscallArgs& args);
i64 linux_sys_sched_rr_get_interval(const SyscallArgs& args);
i64 linux_sys_getpriority(const SyscallArgs& args);
i64 linux_sys_setpriority(const SyscallArgs& args);
i64 linux_sys_rseq(const SyscallArgs& args);
void linux_sched_fork(Lwp* l2, const Lwp* l1);
i64 linux_sys_riscv_hwprobe(const SyscallArgs& args);
i64 linux_sys_membarrier(const SyscallArgs& args);
void linux_membarrier_fork(Proc* p2, const Lwp* l1);
// Resource usage and CPU-time clocks (resource.cpp).
i64 linux_sys_getrusage(const SyscallArgs& args);
i64 linux_sys_times(const SyscallArgs& args);
i64 linux_copyout_rusage(uptr user, u64 user_ns, u64 sys_ns);
bool linux_is_cpu_clock(i64 clock);
Result<u64> linux_cpu_clock_read(i64 clock, u64* resolution_ns);
// prctl's options beyond process.cpp's (prctl.cpp), then those.
i64 linux_sys_prctl_surface(const SyscallArgs& args);
// Names of syscall numbers, and the log of missing ones (names.cpp).
const char* linux_syscall_name(u64 nr);
void linux_unknown_syscall(u64 nr);

// The emulation's hooks (struct Emul).
void linux_proc_fork(Proc* p2, Lwp* l2, Lwp* l1, int flags);
void linux_child_return(Lwp* l2);
void linux_proc_exec(Proc* p);
void linux_lwp_exit(Lwp* l);

}  // namespace tine
