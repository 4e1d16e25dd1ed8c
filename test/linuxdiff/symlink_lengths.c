/* Symlink targets of every length around tmpfs's inline limit, and long
 * ones: readlink and lstat's size give them back; a removed link frees
 * its target; /proc/self/exe reads back the same each time. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  char dir[] = "/tmp/symlenXXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  static char target[4096], got[4096], path[256];
  const int lens[] = {1, 7, 22, 23, 24, 25, 31, 64, 255, 1000, 4095};
  for (unsigned i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    const int n = lens[i];
    for (int k = 0; k < n; k++) target[k] = "abcdefghij"[(k + n) % 10];
    target[n] = '\0';
    snprintf(path, sizeof path, "%s/l%d", dir, n);
    if (symlink(target, path) != 0) {
      printf("symlink %d: failed\n", n);
      continue;
    }
    struct stat st;
    lstat(path, &st);
    const ssize_t r = readlink(path, got, sizeof got);
    printf("len %d: lstat size %lld readlink %zd same %d\n", n, (long long)st.st_size, r,
           r == n && memcmp(got, target, n) == 0);
    const ssize_t s = readlink(path, got, 5);
    printf("len %d: short readlink %zd\n", n, s);
  }
  for (unsigned i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    snprintf(path, sizeof path, "%s/l%d", dir, lens[i]);
    if (unlink(path) != 0) printf("unlink %d failed\n", lens[i]);
  }
  printf("rmdir %d\n", rmdir(dir));
  char first[4096];
  const ssize_t a = readlink("/proc/self/exe", first, sizeof first);
  int same = 1;
  for (int k = 0; k < 50; k++) {
    const ssize_t b = readlink("/proc/self/exe", got, sizeof got);
    if (b != a || memcmp(got, first, a) != 0) same = 0;
  }
  printf("/proc/self/exe stable: %d\n", a > 0 && same);
  return 0;
}
