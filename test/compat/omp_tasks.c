// OpenMP tasks (recursive fibonacci with taskwait), sections, ordered, a
// lock, and threadprivate data.
#include "compat.h"

#include <omp.h>

static long fib(int n) {
  if (n < 2) return n;
  long x, y;
#pragma omp task shared(x) if (n > 12)
  x = fib(n - 1);
#pragma omp task shared(y) if (n > 12)
  y = fib(n - 2);
#pragma omp taskwait
  return x + y;
}

static int tp;
#pragma omp threadprivate(tp)

int main(void) {
  long f = 0;
#pragma omp parallel num_threads(4)
#pragma omp single
  f = fib(24);
  printf("fib(24) with tasks: %ld\n", f);

  int s1 = 0, s2 = 0, s3 = 0;
#pragma omp parallel sections num_threads(3)
  {
#pragma omp section
    s1 = 1;
#pragma omp section
    s2 = 2;
#pragma omp section
    s3 = 3;
  }
  printf("sections: %d %d %d\n", s1, s2, s3);

  char order[64] = {0};
  int pos = 0;
#pragma omp parallel for ordered schedule(dynamic) num_threads(4)
  for (int i = 0; i < 26; i++) {
#pragma omp ordered
    order[pos++] = (char)('a' + i);
  }
  printf("ordered: %s\n", order);

  omp_lock_t lock;
  omp_init_lock(&lock);
  long counted = 0;
#pragma omp parallel num_threads(4)
  for (int k = 0; k < 500; k++) {
    omp_set_lock(&lock);
    counted++;
    omp_unset_lock(&lock);
  }
  omp_destroy_lock(&lock);
  printf("lock: %ld\n", counted);

  int ok = 0;
#pragma omp parallel num_threads(4) reduction(+ : ok)
  {
    tp = omp_get_thread_num() * 10;
#pragma omp barrier
    ok = tp == omp_get_thread_num() * 10;
  }
  printf("threadprivate kept by %d of 4\n", ok);
  return 0;
}
