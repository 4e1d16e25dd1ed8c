/* Work on the way back to user mode, posted while the target spins in
 * fast syscalls (getppid, clock_gettime): Tine's fast path looks at one
 * word per thread, so each poster must set it. Covers a signal from
 * another thread (another hart at 4 harts), a process-directed signal from
 * another process, ITIMER_VIRTUAL and ITIMER_PROF, a pending signal
 * unblocked by rt_sigprocmask, SIGSTOP/SIGCONT of a spinning child, and
 * preemption of busy loops (two spinners must both run at 1 hart). A
 * missed post hangs or prints the wrong line. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_sig(int sig) { got = sig; }

static void catch(int sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sig;
  sigaction(sig, &sa, NULL);
}

/* Spins in getppid until a handler ran (or far too long). */
static int spin_until_signal(void) {
  for (long i = 0; i < 2000000000L && !got; i++) syscall(SYS_getppid);
  return got;
}

static void *spinner(void *arg) {
  (void)arg;
  return (void *)(long)spin_until_signal();
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);

  /* A signal from another thread to one spinning in getppid. */
  catch(SIGUSR1);
  got = 0;
  pthread_t t;
  pthread_create(&t, NULL, spinner, NULL);
  struct timespec nap = {0, 20000000};
  nanosleep(&nap, NULL);
  pthread_kill(t, SIGUSR1);
  void *r;
  pthread_join(t, &r);
  printf("thread spinning in getppid got SIGUSR1 from another thread: %d\n", (long)r == SIGUSR1);

  /* A process-directed signal from another process. */
  catch(SIGUSR2);
  got = 0;
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    nanosleep(&nap, NULL);
    kill(parent, SIGUSR2);
    _exit(0);
  }
  printf("spinning process got SIGUSR2 from a child: %d\n", spin_until_signal() == SIGUSR2);
  waitpid(pid, NULL, 0);

  /* CPU-time timers expiring while only fast syscalls run. */
  catch(SIGVTALRM);
  catch(SIGPROF);
  struct itimerval it = {{0, 0}, {0, 50000}};
  got = 0;
  setitimer(ITIMER_VIRTUAL, &it, NULL);
  printf("ITIMER_VIRTUAL over a getppid loop: %d\n", spin_until_signal() == SIGVTALRM);
  got = 0;
  setitimer(ITIMER_PROF, &it, NULL);
  struct timespec ts;
  for (long i = 0; i < 2000000000L && !got; i++) syscall(SYS_clock_gettime, CLOCK_THREAD_CPUTIME_ID, &ts);
  printf("ITIMER_PROF over a raw clock_gettime loop: %d\n", got == SIGPROF);

  /* A pending blocked signal, unblocked by rt_sigprocmask (a fast call):
   * the handler runs before sigprocmask returns. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  got = 0;
  sigprocmask(SIG_BLOCK, &set, NULL);
  raise(SIGUSR1);
  for (int i = 0; i < 1000; i++) syscall(SYS_getppid);
  int before = got;
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  printf("blocked SIGUSR1 waits: %d, runs at the unblock: %d\n", before == 0, got == SIGUSR1);

  /* SIGSTOP and SIGCONT of a child spinning in getppid, and two busy
   * loops sharing the harts (the parent spins too while it watches). */
  volatile long *count =
      mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  *count = 0;
  pid = fork();
  if (pid == 0) {
    for (;;) {
      syscall(SYS_getppid);
      (*count)++;
    }
  }
  long seen = *count;
  int moved = 0;
  for (long i = 0; i < 2000000000L && !moved; i++) {
    syscall(SYS_getppid);
    moved = *count > seen + 1000;
  }
  printf("spinning child runs beside a spinning parent: %d\n", moved);
  kill(pid, SIGSTOP);
  int status;
  waitpid(pid, &status, WUNTRACED);
  printf("stopped: %d\n", WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
  seen = *count;
  nanosleep(&nap, NULL);
  printf("stays still while stopped: %d\n", *count == seen);
  kill(pid, SIGCONT);
  waitpid(pid, &status, WCONTINUED);
  printf("continued: %d\n", WIFCONTINUED(status));
  moved = 0;
  for (long i = 0; i < 2000000000L && !moved; i++) {
    syscall(SYS_getppid);
    moved = *count > seen + 1000;
  }
  printf("runs again: %d\n", moved);
  kill(pid, SIGTERM);
  waitpid(pid, &status, 0);
  printf("SIGTERM ends it: %d\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
  return 0;
}
