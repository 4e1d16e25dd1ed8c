// The Linux riscv64 emulation: the generic syscall numbers
// (asm-generic/unistd.h), each a thin shim (in this folder, one file per
// area) that decodes registers and calls the semantics (STYLE.md:
// sys_fork -> fork1).
#include "core/compat/linux/linux.h"

namespace tine {

namespace {
constexpr unsigned kLinuxSyscalls = 450;  // through futex_waitv (449)

struct Table {
  SyscallFn fns[kLinuxSyscalls] = {};
  constexpr Table() {
    fns[17] = linux_sys_getcwd;
    fns[19] = linux_sys_eventfd2;
    fns[20] = linux_sys_epoll_create1;
    fns[21] = linux_sys_epoll_ctl;
    fns[22] = linux_sys_epoll_pwait;
    fns[23] = linux_sys_dup;
    fns[24] = linux_sys_dup3;
    fns[25] = linux_sys_fcntl;
    fns[29] = linux_sys_ioctl;
    fns[33] = linux_sys_mknodat;
    fns[34] = linux_sys_mkdirat;
    fns[35] = linux_sys_unlinkat;
    fns[36] = linux_sys_symlinkat;
    fns[37] = linux_sys_linkat;
    fns[39] = linux_sys_umount2;
    fns[40] = linux_sys_mount;
    fns[43] = linux_sys_statfs;
    fns[44] = linux_sys_fstatfs;
    fns[45] = linux_sys_truncate;
    fns[46] = linux_sys_ftruncate;
    fns[48] = linux_sys_faccessat;
    fns[49] = linux_sys_chdir;
    fns[50] = linux_sys_fchdir;
    fns[52] = linux_sys_fchmod;
    fns[53] = linux_sys_fchmodat;
    fns[54] = linux_sys_fchownat;
    fns[55] = linux_sys_fchown;
    fns[56] = linux_sys_openat;
    fns[57] = linux_sys_close;
    fns[59] = linux_sys_pipe2;
    fns[61] = linux_sys_getdents64;
    fns[62] = linux_sys_lseek;
    fns[63] = linux_sys_read;
    fns[64] = linux_sys_write;
    fns[65] = linux_sys_readv;
    fns[66] = linux_sys_writev;
    fns[67] = linux_sys_pread64;
    fns[68] = linux_sys_pwrite64;
    fns[71] = linux_sys_sendfile;
    fns[72] = linux_sys_pselect6;
    fns[73] = linux_sys_ppoll;
    fns[78] = linux_sys_readlinkat;
    fns[79] = linux_sys_newfstatat;
    fns[80] = linux_sys_fstat;
    fns[81] = linux_sys_sync;
    fns[82] = linux_sys_fsync;
    fns[83] = linux_sys_fsync;  // fdatasync
    fns[85] = linux_sys_timerfd_create;
    fns[86] = linux_sys_timerfd_settime;
    fns[87] = linux_sys_timerfd_gettime;
    fns[88] = linux_sys_utimensat;
    fns[90] = linux_sys_capget;
    fns[91] = linux_sys_capset;
    fns[93] = linux_sys_exit;
    fns[94] = linux_sys_exit_group;
    fns[95] = linux_sys_waitid;
    fns[96] = linux_sys_set_tid_address;
    fns[98] = linux_sys_futex;
    fns[99] = linux_sys_set_robust_list;
    fns[100] = linux_sys_get_robust_list;
    fns[101] = linux_sys_nanosleep;
    fns[102] = linux_sys_getitimer;
    fns[103] = linux_sys_setitimer;
    fns[107] = linux_sys_timer_create;
    fns[108] = linux_sys_timer_gettime;
    fns[109] = linux_sys_timer_getoverrun;
    fns[110] = linux_sys_timer_settime;
    fns[111] = linux_sys_timer_delete;
    fns[113] = linux_sys_clock_gettime;
    fns[114] = linux_sys_clock_getres;
    fns[115] = linux_sys_clock_nanosleep;
    fns[117] = linux_sys_ptrace;
    fns[118] = linux_sys_sched_setparam;
    fns[119] = linux_sys_sched_setscheduler;
    fns[120] = linux_sys_sched_getscheduler;
    fns[121] = linux_sys_sched_getparam;
    fns[122] = linux_sys_sched_setaffinity;
    fns[123] = linux_sys_sched_getaffinity;
    fns[124] = linux_sys_sched_yield;
    fns[125] = linux_sys_sched_get_priority_max;
    fns[126] = linux_sys_sched_get_priority_min;
    fns[127] = linux_sys_sched_rr_get_interval;
    fns[kLinuxRestartSyscall] = linux_sys_restart_syscall;
    fns[129] = linux_sys_kill;
    fns[130] = linux_sys_tkill;
    fns[131] = linux_sys_tgkill;
    fns[132] = linux_sys_sigaltstack;
    fns[133] = linux_sys_rt_sigsuspend;
    fns[134] = linux_sys_rt_sigaction;
    fns[135] = linux_sys_rt_sigprocmask;
    fns[136] = linux_sys_rt_sigpending;
    fns[137] = linux_sys_rt_sigtimedwait;
    fns[138] = linux_sys_rt_sigqueueinfo;
    fns[139] = linux_sys_rt_sigreturn;
    fns[140] = linux_sys_setpriority;
    fns[141] = linux_sys_getpriority;
    fns[142] = linux_sys_reboot;
    fns[144] = linux_sys_setgid;
    fns[146] = linux_sys_setuid;
    fns[147] = linux_sys_setresuid;
    fns[148] = linux_sys_getresuid;
    fns[149] = linux_sys_setresgid;
    fns[150] = linux_sys_getresgid;
    fns[153] = linux_sys_times;
    fns[154] = linux_sys_setpgid;
    fns[155] = linux_sys_getpgid;
    fns[156] = linux_sys_getsid;
    fns[157] = linux_sys_setsid;
    fns[158] = linux_sys_getgroups;
    fns[159] = linux_sys_setgroups;
    fns[160] = linux_sys_uname;
    fns[165] = linux_sys_getrusage;
    fns[166] = linux_sys_umask;
    fns[167] = linux_sys_prctl_surface;
    fns[163] = linux_sys_getrlimit;
    fns[164] = linux_sys_setrlimit;
    fns[168] = linux_sys_getcpu;
    fns[169] = linux_sys_gettimeofday;
    fns[172] = linux_sys_getpid;
    fns[173] = linux_sys_getppid;
    fns[174] = linux_sys_getuid;
    fns[175] = linux_sys_geteuid;
    fns[176] = linux_sys_getgid;
    fns[177] = linux_sys_getegid;
    fns[178] = linux_sys_gettid;
    fns[179] = linux_sys_sysinfo;
    fns[180] = linux_sys_mq_open;
    fns[181] = linux_sys_mq_unlink;
    fns[182] = linux_sys_mq_timedsend;
    fns[183] = linux_sys_mq_timedreceive;
    fns[184] = linux_sys_mq_notify;
    fns[185] = linux_sys_mq_getsetattr;
    fns[194] = linux_sys_shmget;
    fns[195] = linux_sys_shmctl;
    fns[196] = linux_sys_shmat;
    fns[197] = linux_sys_shmdt;
    fns[198] = linux_sys_socket;
    fns[199] = linux_sys_socketpair;
    fns[200] = linux_sys_bind;
    fns[201] = linux_sys_listen;
    fns[202] = linux_sys_accept;
    fns[203] = linux_sys_connect;
    fns[204] = linux_sys_getsockname;
    fns[205] = linux_sys_getpeername;
    fns[206] = linux_sys_sendto;
    fns[207] = linux_sys_recvfrom;
    fns[208] = linux_sys_setsockopt;
    fns[209] = linux_sys_getsockopt;
    fns[210] = linux_sys_shutdown;
    fns[211] = linux_sys_sendmsg;
    fns[212] = linux_sys_recvmsg;
    fns[214] = linux_sys_brk;
    fns[215] = linux_sys_munmap;
    fns[216] = linux_sys_mremap;
    fns[220] = linux_clone;
    fns[97] = linux_sys_unshare;
    fns[221] = linux_sys_execve;
    fns[222] = linux_sys_mmap;
    fns[226] = linux_sys_mprotect;
    fns[227] = linux_sys_msync;
    fns[232] = linux_sys_mincore;
    fns[233] = linux_sys_madvise;
    fns[240] = linux_sys_rt_tgsigqueueinfo;
    fns[242] = linux_sys_accept4;
    fns[258] = linux_sys_riscv_hwprobe;
    fns[260] = linux_sys_wait4;
    fns[261] = linux_sys_prlimit64;
    fns[276] = linux_sys_renameat2;
    fns[278] = linux_sys_getrandom;
    fns[281] = linux_sys_execveat;
    fns[283] = linux_sys_membarrier;
    fns[291] = linux_sys_statx;
    fns[435] = linux_sys_clone3;
    fns[293] = linux_sys_rseq;
    fns[436] = linux_sys_close_range;
    fns[439] = linux_sys_faccessat2;
    fns[441] = linux_sys_epoll_pwait2;
    fns[449] = linux_sys_futex_waitv;
    fns[424] = linux_sys_pidfd_send_signal;
    fns[434] = linux_sys_pidfd_open;
  }
};

constexpr Table kTable;

// The fast syscall path's list (emul.h): frequent calls that never touch
// the user frame beyond a0 and sepc and take no ptrace stop of their own;
// they may sleep. Not clone, exec, exit, rt_sigreturn, ptrace, or
// anything that delivers a signal itself: those go the slow way.
struct FastTable {
  SyscallFn fast[kLinuxSyscalls] = {};
  constexpr FastTable() {
    constexpr unsigned kList[] = {
        57,                      // close
        62, 63, 64,              // lseek, read, write
        98,                      // futex
        113,                     // clock_gettime
        124,                     // sched_yield
        134, 135,                // rt_sigaction, rt_sigprocmask (posix_spawn's
                                 // child calls sigaction for every signal)
        172, 173, 174, 175, 176, 177, 178,  // getpid .. gettid
    };
    for (unsigned nr : kList) fast[nr] = kTable.fns[nr];
  }
};

constexpr FastTable kFast;


}  // namespace

const Emul emul_linux = {
    "linux",        kTable.fns,         kLinuxSyscalls,  linux_proc_fork,
    linux_child_return, linux_proc_exec, linux_lwp_exit, kLinuxRestartSyscall,
    linux_unknown_syscall, kFast.fast,
};

}  // namespace tine
