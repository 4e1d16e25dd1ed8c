// What only the kernel does for robust futexes (qemu-user has no
// set_robust_list, so futex_robust.expected holds Linux's lines): the
// robust list glibc registers (get_robust_list: the head and its size),
// set_robust_list's size check, and a process-shared robust mutex whose
// owner process exits holding it: the kernel's walk of the dead thread's
// list marks it FUTEX_OWNER_DIED and wakes the waiter (EOWNERDEAD).
#include "ld.h"

#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  void* head = NULL;
  size_t len = 0;
  long r = syscall(SYS_get_robust_list, 0, &head, &len);
  printf("get_robust_list: %ld, len %zu, head %s\n", r, len, head ? "set" : "NULL");
  say("get_robust_list of nobody", syscall(SYS_get_robust_list, 999999, &head, &len));
  say("get_robust_list bad pointer", syscall(SYS_get_robust_list, 0, (void*)8, &len));
  say("set_robust_list bad len", syscall(SYS_set_robust_list, head, 16));
  say("set_robust_list again", syscall(SYS_set_robust_list, head, 24));

  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
  pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
  pthread_mutex_t* m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pthread_mutex_init(m, &ma);
  for (int waiting = 0; waiting < 2; waiting++) {
    pid_t c = fork();
    if (c == 0) {
      pthread_mutex_lock(m);
      if (waiting) nap_ms(100);
      _exit(0);  // holding it
    }
    if (waiting) {
      nap_ms(30);  // the child holds it: we sleep in the kernel until it exits
    } else {
      waitpid(c, NULL, 0);
    }
    int e = pthread_mutex_lock(m);
    printf("owner process exits %s: %s\n", waiting ? "while we wait" : "first",
           strerrorname_np(e));
    printf("consistent: %d, unlock: %d\n", pthread_mutex_consistent(m), pthread_mutex_unlock(m));
    if (waiting) waitpid(c, NULL, 0);
  }
  return 0;
}
