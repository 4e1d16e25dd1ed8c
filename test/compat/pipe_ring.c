// A ring of 8 processes joined by pipes passes a counter around 200
// times, each adding its index; then 50 fork+exec+wait of this program
// in a row, each exec'd image checking its argument.
#include "compat.h"

#include <sys/wait.h>

#define N 8

int main(int argc, char** argv) {
  if (argc > 1) return atoi(argv[1]) % 7;
  int p[N][2];
  for (int i = 0; i < N; i++) CHECK(pipe(p[i]) == 0);
  // Process i reads p[i] and writes p[(i+1)%N]; the parent is process 0.
  for (int i = 1; i < N; i++) {
    pid_t k = fork();
    if (k == 0) {
      for (int j = 0; j < N; j++) {
        if (j != i) close(p[j][0]);
        if (j != (i + 1) % N) close(p[j][1]);
      }
      long v;
      while (read(p[i][0], &v, sizeof v) == sizeof v) {
        v += i;
        if (write(p[(i + 1) % N][1], &v, sizeof v) != sizeof v) _exit(1);
      }
      _exit(0);
    }
  }
  for (int j = 0; j < N; j++) {
    if (j != 0) close(p[j][0]);
    if (j != 1) close(p[j][1]);
  }
  long v = 0;
  for (int round = 0; round < 200; round++) {
    CHECK(write(p[1][1], &v, sizeof v) == sizeof v);
    CHECK(read(p[0][0], &v, sizeof v) == sizeof v);
  }
  close(p[1][1]);  // the ring drains: each sees EOF in turn
  int st, clean = 0;
  while (wait(&st) > 0)
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) clean++;
  printf("ring of %d, 200 rounds: %ld, members ended cleanly %d\n", N, v, clean);

  const char* self = self_path(argv[0]);
  int bad = 0;
  for (int i = 0; i < 50; i++) {
    pid_t k = fork();
    if (k == 0) {
      char arg[16];
      snprintf(arg, sizeof arg, "%d", i);
      execl(self, self, arg, (char*)0);
      _exit(127);
    }
    if (waitpid(k, &st, 0) != k || !WIFEXITED(st) || WEXITSTATUS(st) != i % 7) bad++;
  }
  printf("50 fork+exec: wrong %d\n", bad);
  return 0;
}
