// A robust process-shared mutex whose owner process dies holding it: the
// kernel walks the dead process's robust list (set_robust_list) at exit,
// marks the word FUTEX_OWNER_DIED and wakes a waiter, so the next locker
// gets EOWNERDEAD; unlocked without pthread_mutex_consistent, the mutex
// is ENOTRECOVERABLE from then on. A waiter asleep when the owner dies is
// woken too.
#include "compat.h"

#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>

int main(void) {
  pthread_mutex_t* m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED);
  pthread_mutexattr_t ra;
  pthread_mutexattr_init(&ra);
  pthread_mutexattr_setrobust(&ra, PTHREAD_MUTEX_ROBUST);
  pthread_mutexattr_setpshared(&ra, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(m, &ra);
  int st, r;
  pid_t k = fork();
  if (k == 0) {
    pthread_mutex_lock(m);
    _exit(0);  // dies holding it
  }
  CHECK(waitpid(k, &st, 0) == k);
  r = pthread_mutex_lock(m);
  say_err("lock after the owner process died", r);
  if (r == EOWNERDEAD) say_err("consistent", pthread_mutex_consistent(m));
  say_err("unlock", pthread_mutex_unlock(m));
  // The parent asleep in lock while the owner dies.
  int p[2];
  CHECK(pipe(p) == 0);
  k = fork();
  if (k == 0) {
    pthread_mutex_lock(m);
    (void)!write(p[1], "l", 1);
    nap_ms(100);
    _exit(0);
  }
  char c;
  CHECK(read(p[0], &c, 1) == 1);
  r = pthread_mutex_lock(m);  // sleeps until the owner dies
  say_err("a sleeping locker when the owner died", r);
  CHECK(waitpid(k, &st, 0) == k);
  pthread_mutex_unlock(m);  // without consistent
  say_err("lock of a mutex left inconsistent", pthread_mutex_lock(m));
  return 0;
}
