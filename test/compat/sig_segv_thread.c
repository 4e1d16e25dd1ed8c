// Synchronous signals in a thread: a thread's own NULL store raises
// SIGSEGV in that thread, whose handler (on an alternate stack of the
// thread's) longjmps out, in four threads faulting at once; and an
// unhandled SIGSEGV in a thread ends the whole process.
#include "compat.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static int* volatile bad = (int*)16;
static __thread sigjmp_buf env;
static __thread volatile pid_t faulted_in;

static void on_segv(int sig, siginfo_t* si, void* uc) {
  (void)uc;
  faulted_in = (pid_t)syscall(SYS_gettid);
  siglongjmp(env, si->si_addr == (void*)16 && sig == SIGSEGV ? 1 : 2);
}

static void* faulter(void* arg) {
  (void)arg;
  static __thread char altstack[16384];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  CHECK(sigaltstack(&ss, NULL) == 0);
  int recovered = 0;
  for (int i = 0; i < 20; i++) {
    int r = sigsetjmp(env, 1);
    if (r == 0) *bad = 1;
    if (r == 1 && faulted_in == (pid_t)syscall(SYS_gettid)) recovered++;
  }
  return (void*)(long)recovered;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGSEGV, &sa, NULL);
  pthread_t t[4];
  for (int i = 0; i < 4; i++) CHECK(pthread_create(&t[i], NULL, faulter, NULL) == 0);
  int total = 0;
  for (int i = 0; i < 4; i++) {
    void* r;
    pthread_join(t[i], &r);
    total += (int)(long)r;
  }
  printf("faults recovered in their own threads: %d of 80\n", total);
  printf("main never faulted %d\n", faulted_in == 0);
  // Unhandled in a thread: the process dies of SIGSEGV.
  pid_t k = fork();
  if (k == 0) {
    signal(SIGSEGV, SIG_DFL);
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    pthread_t u;
    pthread_create(&u, NULL, (void* (*)(void*))(void*)16, NULL);  // jumps to 16
    pthread_join(u, NULL);
    _exit(0);
  }
  int st;
  CHECK(waitpid(k, &st, 0) == k);
  printf("unhandled fault in a thread: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
  return 0;
}
