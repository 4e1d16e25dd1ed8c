// How a threaded process ends: exit() from a thread other than main ends
// them all with its status (main asleep in pthread_join); main's
// pthread_exit leaves the process running until the last thread ends
// (status 0, atexit handlers run then); _exit from a thread skips them.
#include "compat.h"

#include <pthread.h>
#include <sys/wait.h>

static void* exit_7(void* arg) {
  (void)arg;
  nap_ms(10);
  exit(7);
}
static void* underscore_exit(void* arg) {
  (void)arg;
  _exit(8);
}
static int pipefd[2];
static void* last_one(void* arg) {
  (void)arg;
  nap_ms(30);
  (void)!write(pipefd[1], "last thread ran after main's pthread_exit\n", 42);
  return NULL;  // the process ends here, status 0
}
static void* sleeper(void* arg) {
  (void)arg;
  for (;;) pause();
  return NULL;
}
static void atexit_handler(void) { (void)!write(pipefd[1], "atexit ran\n", 11); }

static void run(const char* what, void (*body)(void)) {
  CHECK(pipe(pipefd) == 0);
  pid_t k = fork();
  if (k == 0) {
    close(pipefd[0]);
    body();
    _exit(99);
  }
  close(pipefd[1]);
  char buf[256];
  ssize_t n, got = 0;
  while ((n = read(pipefd[0], buf + got, sizeof buf - 1 - got)) > 0) got += n;
  buf[got] = 0;
  close(pipefd[0]);
  int st;
  CHECK(waitpid(k, &st, 0) == k);
  printf("%s: %s %d\n%s", what, WIFEXITED(st) ? "exit" : "signal",
         WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), buf);
}

static void b_exit_from_thread(void) {
  atexit(atexit_handler);
  pthread_t t, s;
  pthread_create(&s, NULL, sleeper, NULL);
  pthread_create(&t, NULL, exit_7, NULL);
  pthread_join(t, NULL);
}
static void b_underscore_exit(void) {
  atexit(atexit_handler);
  pthread_t t, s;
  pthread_create(&s, NULL, sleeper, NULL);
  pthread_create(&t, NULL, underscore_exit, NULL);
  pthread_join(t, NULL);
}
static void b_main_pthread_exit(void) {
  atexit(atexit_handler);
  pthread_t t;
  pthread_create(&t, NULL, last_one, NULL);
  pthread_exit(NULL);
}
static void b_main_returns(void) {
  pthread_t s;
  pthread_create(&s, NULL, sleeper, NULL);
  exit(5);
}
int main(void) {
  run("exit(7) in a thread", b_exit_from_thread);
  run("_exit(8) in a thread", b_underscore_exit);
  run("main's pthread_exit", b_main_pthread_exit);
  run("exit(5) with a thread asleep", b_main_returns);
  return 0;
}
