// PTRACE_GET_SYSCALL_INFO and PTRACE_PEEKSIGINFO where Linux's kselftests
// (ptrace/get_syscall_info.c, peeksiginfo.c) do not look, as Linux 6.12's
// kernel/ptrace.c does them:
//  - GET_SYSCALL_INFO(pid, size, buf) copies min(size, actual) bytes and
//    returns the actual size (24 with op NONE, 80 ENTRY, 33 EXIT); EFAULT
//    when that copy faults; ENTRY/EXIT only at a syscall stop reported as
//    SIGTRAP | 0x80 (PTRACE_O_TRACESYSGOOD): a plain SIGTRAP syscall stop
//    is NONE. Syscall stops leave PTRACE_EVENTMSG_SYSCALL_ENTRY (1) or
//    _EXIT (2) as the event message.
//  - PEEKSIGINFO(pid, args, buf): ESRCH for a process not a stopped tracee
//    (before the args are read), EFAULT for the args, EINVAL for unknown
//    flags or nr < 0, 0 for nr 0 or an offset past the end, EFAULT when the
//    first siginfo cannot be written. kill's signal is on the shared list
//    (PTRACE_PEEKSIGINFO_SHARED), tkill's on the thread's.
// qemu-user has no ptrace: ptrace_siginfo_errors.expected holds Linux's lines.
#include "ld.h"

#include <linux/ptrace.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static long pt(long req, pid_t pid, unsigned long addr, void* data) {
  return syscall(SYS_ptrace, req, pid, addr, data);
}

static int stop_of(pid_t t) {
  int st;
  if (waitpid(t, &st, 0) != t || !WIFSTOPPED(st)) return -1;
  return WSTOPSIG(st);
}

int main(void) {
  unsigned char buf[128];
  struct ptrace_peeksiginfo_args args = {.off = 0, .flags = 0, .nr = 1};

  // A child nobody traces: ESRCH, bad pointers or not.
  fflush(stdout);
  pid_t plain = fork();
  if (plain == 0) {
    pause();
    _exit(0);
  }
  say("GET_SYSCALL_INFO, not a tracee", pt(PTRACE_GET_SYSCALL_INFO, plain, 88, buf));
  say("PEEKSIGINFO, not a tracee, args at 8", pt(PTRACE_PEEKSIGINFO, plain, 8, buf));
  kill(plain, SIGKILL);
  waitpid(plain, NULL, 0);

  // A tracee with SIGUSR1 (kill: shared) and SIGUSR2 (tkill: its thread's)
  // pending and blocked, stopped by its own SIGSTOP.
  fflush(stdout);
  pid_t t = fork();
  if (t == 0) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    if (pt(PTRACE_TRACEME, 0, 0, 0) != 0) _exit(10);
    kill(getpid(), SIGUSR1);
    syscall(SYS_tkill, getpid(), SIGUSR2);
    kill(getpid(), SIGSTOP);
    syscall(SYS_getppid);
    _exit(3);
  }
  printf("first stop = %d (SIGSTOP %d)\n", stop_of(t), SIGSTOP);

  memset(buf, 0xaa, sizeof buf);
  say("GET_SYSCALL_INFO, size 0, buf NULL", pt(PTRACE_GET_SYSCALL_INFO, t, 0, NULL));
  say("GET_SYSCALL_INFO, size 1", pt(PTRACE_GET_SYSCALL_INFO, t, 1, buf));
  printf("  op = %d, next byte 0x%x, arch byte 0x%x\n", buf[0], buf[1], buf[4]);
  say("GET_SYSCALL_INFO, size 88, buf at 8", pt(PTRACE_GET_SYSCALL_INFO, t, 88, (void*)8));
  memset(buf, 0xaa, sizeof buf);
  say("GET_SYSCALL_INFO, size 128", pt(PTRACE_GET_SYSCALL_INFO, t, 128, buf));
  struct ptrace_syscall_info* info = (struct ptrace_syscall_info*)buf;
  printf("  op = %d, arch = %#x, pc set = %d, sp set = %d, byte 24 = 0x%x\n", info->op,
         info->arch, info->instruction_pointer != 0, info->stack_pointer != 0, buf[24]);

  say("PEEKSIGINFO, args at 8", pt(PTRACE_PEEKSIGINFO, t, 8, buf));
  args.flags = 2;
  say("PEEKSIGINFO, flags 2", pt(PTRACE_PEEKSIGINFO, t, (unsigned long)&args, buf));
  args.flags = 0;
  args.nr = -1;
  say("PEEKSIGINFO, nr -1", pt(PTRACE_PEEKSIGINFO, t, (unsigned long)&args, buf));
  args.nr = 0;
  say("PEEKSIGINFO, nr 0", pt(PTRACE_PEEKSIGINFO, t, (unsigned long)&args, buf));
  args.nr = 4;
  say("PEEKSIGINFO, buf at 8", pt(PTRACE_PEEKSIGINFO, t, (unsigned long)&args, (void*)8));
  args.off = 1;
  say("PEEKSIGINFO, off 1 (past the end)", pt(PTRACE_PEEKSIGINFO, t, (unsigned long)&args, buf));
  args.off = UINT64_MAX;
  say("PEEKSIGINFO, off 2^64-1", pt(PTRACE_PEEKSIGINFO, t, (unsigned long)&args, buf));
  args.off = 0;
  siginfo_t si[4];
  say("PEEKSIGINFO, the thread's list", pt(PTRACE_PEEKSIGINFO, t, (unsigned long)&args, si));
  printf("  signo %d (SIGUSR2 %d), si_code %d (SI_TKILL %d)\n", si[0].si_signo, SIGUSR2,
         si[0].si_code, SI_TKILL);
  args.flags = PTRACE_PEEKSIGINFO_SHARED;
  say("PEEKSIGINFO, the shared list", pt(PTRACE_PEEKSIGINFO, t, (unsigned long)&args, si));
  printf("  signo %d (SIGUSR1 %d), si_code %d (SI_USER %d)\n", si[0].si_signo, SIGUSR1,
         si[0].si_code, SI_USER);

  // Syscall stops without PTRACE_O_TRACESYSGOOD: op NONE; the message says which.
  unsigned long msg = 99;
  say("PTRACE_SYSCALL", pt(PTRACE_SYSCALL, t, 0, 0));
  printf("syscall-entry stop = %d (SIGTRAP %d)\n", stop_of(t), SIGTRAP);
  say("GET_SYSCALL_INFO", pt(PTRACE_GET_SYSCALL_INFO, t, sizeof buf, buf));
  printf("  op = %d\n", info->op);
  say("PTRACE_GETEVENTMSG", pt(PTRACE_GETEVENTMSG, t, 0, &msg));
  printf("  message = %lu\n", msg);

  // With it: the exit of getppid.
  say("PTRACE_SETOPTIONS TRACESYSGOOD", pt(PTRACE_SETOPTIONS, t, 0, (void*)PTRACE_O_TRACESYSGOOD));
  say("PTRACE_SYSCALL", pt(PTRACE_SYSCALL, t, 0, 0));
  printf("syscall-exit stop = %#x\n", stop_of(t));
  memset(buf, 0xaa, sizeof buf);
  say("GET_SYSCALL_INFO, size 128", pt(PTRACE_GET_SYSCALL_INFO, t, sizeof buf, buf));
  printf("  op = %d, rval is the tracer = %d, is_error = %d, byte 33 = 0x%x\n", info->op,
         info->exit.rval == getpid(), info->exit.is_error, buf[33]);
  say("PTRACE_GETEVENTMSG", pt(PTRACE_GETEVENTMSG, t, 0, &msg));
  printf("  message = %lu\n", msg);
  say("GET_SYSCALL_INFO, size 40, buf at 8", pt(PTRACE_GET_SYSCALL_INFO, t, 40, (void*)8));

  // The next entry: exit_group(3), its number and argument.
  say("PTRACE_SYSCALL", pt(PTRACE_SYSCALL, t, 0, 0));
  printf("syscall-entry stop = %#x\n", stop_of(t));
  memset(buf, 0xaa, sizeof buf);
  say("GET_SYSCALL_INFO, size 128", pt(PTRACE_GET_SYSCALL_INFO, t, sizeof buf, buf));
  printf("  op = %d, nr is exit_group = %d, args[0] = %llu, byte 80 = 0x%x\n", info->op,
         info->entry.nr == SYS_exit_group, (unsigned long long)info->entry.args[0], buf[80]);
  say("PTRACE_CONT", pt(PTRACE_CONT, t, 0, 0));
  int st;
  waitpid(t, &st, 0);
  printf("tracee exit status = %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  say("PEEKSIGINFO, the reaped tracee", pt(PTRACE_PEEKSIGINFO, t, (unsigned long)&args, si));
  return 0;
}
