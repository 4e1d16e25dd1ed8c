// OpenMP (libgomp, static): parallel for with a reduction, static and
// dynamic schedules, critical, atomic, single, barrier, and a nested
// team size asked for explicitly (the default follows the hart count, so
// it is never printed).
#include "compat.h"

#include <omp.h>

int main(void) {
  long sum = 0;
#pragma omp parallel for reduction(+ : sum) num_threads(4)
  for (long i = 1; i <= 1000000; i++) sum += i;
  printf("reduction: %ld\n", sum);

  double dot = 0;
  static double a[4096], b[4096];
  for (int i = 0; i < 4096; i++) {
    a[i] = i * 0.5;
    b[i] = 2.0;
  }
#pragma omp parallel for schedule(dynamic, 64) reduction(+ : dot) num_threads(4)
  for (int i = 0; i < 4096; i++) dot += a[i] * b[i];
  printf("dynamic dot: %.1f\n", dot);

  int crit = 0, atom = 0, singles = 0, team = 0;
#pragma omp parallel num_threads(4)
  {
#pragma omp single
    {
      singles++;
      team = omp_get_num_threads();
    }
    for (int k = 0; k < 1000; k++) {
#pragma omp critical
      crit++;
#pragma omp atomic
      atom++;
    }
#pragma omp barrier
  }
  printf("team of %d: critical %d atomic %d single %d\n", team, crit, atom, singles);

  int max_seen = 0;
#pragma omp parallel for schedule(static) num_threads(3) reduction(max : max_seen)
  for (int i = 0; i < 300; i++)
    if (omp_get_thread_num() > max_seen) max_seen = omp_get_thread_num();
  printf("static schedule over 3 threads reaches thread %d\n", max_seen);
  printf("outside a region: thread %d of %d\n", omp_get_thread_num(), omp_get_num_threads());
  return 0;
}
