// pidfds (Linux's kernel/pid.c, kernel/signal.c, kernel/exit.c, kernel/
// fork.c): pidfd_open and its errors, O_RDWR and close-on-exec, PIDFD_NONBLOCK;
// pidfd_send_signal with and without info and its errors; poll and epoll
// (readable once the process has ended); waitid(P_PIDFD) (EAGAIN for a
// non-blocking pidfd, ECHILD once reaped). Not CLONE_PIDFD: bit 0x1000 is
// the seed's CLONE_PID, which Tine refuses (userland/tests/clone_einval).
// qemu-user 7.2 hangs in this program: Linux's lines are in the .expected
// file.
#include "ld.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static long pidfd_open(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }
static long send_sig(int fd, int sig, siginfo_t* info, unsigned flags) {
  return syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}
static int pollin(int fd, int ms) {
  struct pollfd p = {fd, POLLIN, 0};
  int n = poll(&p, 1, ms);
  return n < 0 ? -1 : (p.revents & POLLIN) != 0;
}

// A child that waits for a byte on the pipe, then exits with that byte.
static pid_t waiting_child(int fds[2]) {
  if (pipe(fds) != 0) return -1;
  pid_t c = fork();
  if (c == 0) {
    close(fds[1]);
    char b = 0;
    if (read(fds[0], &b, 1) != 1) _exit(99);
    _exit(b);
  }
  close(fds[0]);
  return c;
}

static void report_waitid(const char* what, int fd, int options, pid_t expect) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  long r = waitid(P_PIDFD, fd, &si, options);
  if (r < 0) {
    say(what, r);
    return;
  }
  printf("%s = 0: pid ok %d code %d status %d\n", what, si.si_pid == expect, si.si_code,
         si.si_status);
}

static void* idle_thread(void* arg) {
  pid_t* tid = arg;
  __atomic_store_n(tid, (pid_t)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
  pause();
  return NULL;
}

int main(void) {
  // pidfd_open of oneself: O_RDWR, close-on-exec; PIDFD_NONBLOCK.
  int self = (int)pidfd_open(getpid(), 0);
  printf("pidfd_open(self) >= 0: %d\n", self >= 0);
  printf("F_GETFD cloexec %d, F_GETFL %#x\n", fcntl(self, F_GETFD) == FD_CLOEXEC,
         fcntl(self, F_GETFL) & ~0100000);
  int nb = (int)pidfd_open(getpid(), O_NONBLOCK);
  printf("nonblock F_GETFL %#x\n", fcntl(nb, F_GETFL) & ~0100000);
  printf("poll(self) = %d\n", pollin(self, 0));
  char buf[8];
  say("read(pidfd)", read(self, buf, sizeof buf));
  say("write(pidfd)", write(self, buf, sizeof buf));
  say("pidfd_open flags 1", pidfd_open(getpid(), 1));
  say("pidfd_open pid 0", pidfd_open(0, 0));
  say("pidfd_open pid -1", pidfd_open(-1, 0));
  // A thread's id is not a process's.
  pthread_t th;
  pid_t tid = 0;
  pthread_create(&th, NULL, idle_thread, &tid);
  while (!__atomic_load_n(&tid, __ATOMIC_SEQ_CST)) sched_yield();
  say("pidfd_open(thread)", pidfd_open(tid, 0));
  say("pidfd_send_signal(self, 0)", send_sig(self, 0, NULL, 0));
  say("pidfd_send_signal PIDFD_SIGNAL_THREAD", send_sig(self, 0, NULL, 1));
  say("pidfd_send_signal PIDFD_SIGNAL_THREAD_GROUP", send_sig(self, 0, NULL, 2));
  say("pidfd_send_signal flags 3", send_sig(self, 0, NULL, 3));
  say("pidfd_send_signal flags 8", send_sig(self, 0, NULL, 8));
  // A /proc/<pid> directory serves as a pidfd; other files do not.
  int procdir = open("/proc/self", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  say("pidfd_send_signal(/proc/self)", send_sig(procdir, 0, NULL, 0));
  close(procdir);
  procdir = open("/proc", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  say("pidfd_send_signal(/proc)", send_sig(procdir, 0, NULL, 0));
  close(procdir);
  say("pidfd_send_signal(stdin)", send_sig(0, 0, NULL, 0));
  say("pidfd_send_signal(-1)", send_sig(-1, 0, NULL, 0));
  say("pidfd_send_signal bad signal", send_sig(self, 1000, NULL, 0));
  say("pidfd_send_signal bad info", send_sig(self, SIGUSR1, (siginfo_t*)8, 0));
  say("waitid(P_PIDFD, -1)", waitid(P_PIDFD, -1, NULL, WEXITED));
  say("waitid(P_PIDFD, stdin)", waitid(P_PIDFD, 0, NULL, WEXITED));
  say("waitid(P_PIDFD, self)", waitid(P_PIDFD, self, NULL, WEXITED | WNOHANG));

  // A child killed through its pidfd: poll, waitid, then reaped.
  int pfd[2];
  pid_t c = waiting_child(pfd);
  int cfd = (int)pidfd_open(c, 0);
  printf("poll(child) before = %d\n", pollin(cfd, 0));
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_signo = SIGUSR1;
  si.si_code = SI_USER;
  say("send with kill's si_code to another", send_sig(cfd, SIGUSR1, &si, 0));
  si.si_code = SI_QUEUE;
  say("send with another si_signo", send_sig(cfd, SIGUSR2, &si, 0));
  say("pidfd_send_signal(child, SIGTERM)", send_sig(cfd, SIGTERM, NULL, 0));
  printf("poll(child) after = %d\n", pollin(cfd, 10000));
  say("pidfd_send_signal(zombie, 0)", send_sig(cfd, 0, NULL, 0));
  report_waitid("waitid(P_PIDFD, child)", cfd, WEXITED, c);
  say("pidfd_send_signal(reaped, 0)", send_sig(cfd, 0, NULL, 0));
  say("waitid(P_PIDFD, reaped)", waitid(P_PIDFD, cfd, &si, WEXITED));
  printf("poll(reaped) = %d\n", pollin(cfd, 0));
  say("pidfd_open(reaped)", pidfd_open(c, 0));
  close(pfd[1]);
  close(cfd);

  // A queued signal with its value, through the pidfd.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &set, NULL);
  c = fork();
  if (c == 0) {
    siginfo_t got;
    if (sigwaitinfo(&set, &got) != SIGRTMIN) _exit(98);
    _exit(got.si_code == SI_QUEUE ? got.si_value.sival_int : 97);
  }
  cfd = (int)pidfd_open(c, 0);
  memset(&si, 0, sizeof si);
  si.si_signo = SIGRTMIN;
  si.si_code = SI_QUEUE;
  si.si_value.sival_int = 42;
  say("pidfd_send_signal SI_QUEUE", send_sig(cfd, SIGRTMIN, &si, 0));
  report_waitid("waitid(queued)", cfd, WEXITED, c);
  close(cfd);

  // epoll, and a non-blocking pidfd's waitid.
  c = waiting_child(pfd);
  cfd = (int)pidfd_open(c, O_NONBLOCK);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
  say("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev));
  struct epoll_event out;
  say("epoll_wait before", epoll_wait(ep, &out, 1, 0));
  say("waitid(nonblock, running)", waitid(P_PIDFD, cfd, &si, WEXITED));
  printf("  si_signo %d si_pid %d\n", si.si_signo, si.si_pid);
  say("waitid(WNOHANG, running)", waitid(P_PIDFD, cfd, &si, WEXITED | WNOHANG));
  char b = 3;
  write(pfd[1], &b, 1);
  int n = epoll_wait(ep, &out, 1, 10000);
  printf("epoll_wait after = %d, data %u, in %d\n", n, out.data.u32, (out.events & EPOLLIN) != 0);
  report_waitid("waitid(nonblock, ended)", cfd, WEXITED, c);
  close(pfd[1]);
  close(ep);
  close(cfd);

  return 0;
}
