// Signals and threads: pthread_kill runs the handler in the target
// thread; a process-directed signal goes to the one thread that does not
// block it (here not the main thread); each thread's mask is its own and
// a new thread inherits its creator's; tgkill to a thread's tid.
#include "compat.h"

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>

static volatile pid_t handled_in;
static void on_sig(int s) {
  (void)s;
  handled_in = (pid_t)syscall(SYS_gettid);
}

static volatile int stop;
static volatile pid_t worker_tid;
static void* worker(void* arg) {
  (void)arg;
  worker_tid = (pid_t)syscall(SYS_gettid);
  sigset_t none;
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &none, NULL);
  while (!stop) nap_ms(1);
  return NULL;
}

static void* report_mask(void* arg) {
  sigset_t m;
  pthread_sigmask(SIG_SETMASK, NULL, &m);
  return (void*)(long)(sigismember(&m, SIGUSR2) * 2 + sigismember(&m, (int)(long)arg));
}

static void wait_handled(void) {
  for (int i = 0; i < 2000 && !handled_in; i++) nap_ms(1);
}

int main(void) {
  signal(SIGUSR1, on_sig);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, worker, NULL) == 0);
  while (!worker_tid) nap_ms(1);

  handled_in = 0;
  CHECK(pthread_kill(t, SIGUSR1) == 0);
  wait_handled();
  printf("pthread_kill: handled in the target %d\n", handled_in == worker_tid);
  handled_in = 0;
  CHECK(syscall(SYS_tgkill, getpid(), worker_tid, SIGUSR1) == 0);
  wait_handled();
  printf("tgkill: handled in the target %d\n", handled_in == worker_tid);
  handled_in = 0;
  CHECK(pthread_kill(pthread_self(), SIGUSR1) == 0);
  printf("pthread_kill of oneself: handled before it returned, here %d\n",
         handled_in == getpid());

  // The main thread blocks SIGUSR1: kill() of the process is handled by
  // the worker, the only thread that accepts it.
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &m, NULL);
  for (int i = 0; i < 5; i++) {
    handled_in = 0;
    kill(getpid(), SIGUSR1);
    wait_handled();
    if (handled_in != worker_tid) printf("round %d: handled elsewhere\n", i);
  }
  printf("kill with main blocking: handled by the worker\n");
  sigpending(&m);
  printf("nothing left pending %d\n", !sigismember(&m, SIGUSR1));

  // A new thread starts with its creator's mask.
  sigemptyset(&m);
  sigaddset(&m, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &m, NULL);
  pthread_t t2;
  void* r;
  CHECK(pthread_create(&t2, NULL, report_mask, (void*)SIGUSR1) == 0);
  pthread_join(t2, &r);
  printf("new thread inherits USR2 %ld USR1 %ld\n", ((long)r >> 1) & 1, (long)r & 1);
  stop = 1;
  pthread_join(t, NULL);
  say("tgkill of a bad tid", syscall(SYS_tgkill, getpid(), 0, SIGUSR1));
  return 0;
}
