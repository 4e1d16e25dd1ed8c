// A directory tree made, listed, renamed and removed: mkdirat, getdents64,
// renameat2 (RENAME_NOREPLACE), linkat and link counts, symlinkat and
// readlinkat, symlink loops (ELOOP), unlinkat with and without
// AT_REMOVEDIR, and their errors. Works in a fresh directory under /tmp.
#include "ld.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static void touch(const char* p, const char* data) {
  int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    write(fd, data, strlen(data));
    close(fd);
  }
}

static int cmp(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

// The names in a directory, sorted, with their d_type.
static void list(const char* what, const char* path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    say(what, -1);
    return;
  }
  char buf[512];
  char* names[64];
  int n = 0;
  for (;;) {
    long got = syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (got <= 0) break;
    for (long off = 0; off < got;) {
      struct {
        unsigned long long ino;
        long long off;
        unsigned short reclen;
        unsigned char type;
        char name[];
      }* d = (void*)(buf + off);
      if (n < 64) {
        names[n] = malloc(300);
        snprintf(names[n], 300, "%s:%d", d->name, d->type);
        n++;
      }
      off += d->reclen;
    }
  }
  close(fd);
  qsort(names, n, sizeof names[0], cmp);
  printf("%s:", what);
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

static long nlink(const char* p) {
  struct stat st;
  if (lstat(p, &st) < 0) return -1;
  return (long)st.st_nlink;
}

static long rename2(const char* a, const char* b, unsigned flags) {
  return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}

int main(void) {
  char dir[] = "/tmp/ldtreeXXXXXX";
  if (!mkdtemp(dir)) return 1;
  say("chdir tmpdir", chdir(dir));
  umask(022);

  say("mkdir a", mkdir("a", 0755));
  say("mkdir a again", mkdir("a", 0755));
  say("mkdir a/b/c (no b)", mkdir("a/b/c", 0755));
  say("mkdir a/b", mkdir("a/b", 0755));
  say("mkdir a/b/ (trailing slash, exists)", mkdir("a/b/", 0755));
  say("mkdir a/b/c/", mkdir("a/b/c/", 0755));
  touch("a/f", "file f");
  say("mkdir a/f/x", mkdir("a/f/x", 0755));
  say("mkdir bad pointer", mkdir((const char*)8, 0755));
  say("nlink a", nlink("a"));
  say("nlink a/b", nlink("a/b"));
  list("a", "a");
  int a = open("a", O_RDONLY | O_DIRECTORY);
  say("mkdirat a d", mkdirat(a, "d", 0700));
  struct stat st;
  say("stat a/d", stat("a/d", &st));
  printf("a/d mode = %o\n", st.st_mode);
  say("getdents64 on a file", syscall(SYS_getdents64, open("a/f", O_RDONLY), st.__glibc_reserved, 64));
  say("getdents64 bad fd", syscall(SYS_getdents64, 99, &st, sizeof st));
  char tiny[8];
  say("getdents64 buffer too small", syscall(SYS_getdents64, a, tiny, sizeof tiny));

  // Hard links.
  say("link a/f a/g", link("a/f", "a/g"));
  say("nlink a/f", nlink("a/f"));
  say("link onto existing", link("a/f", "a/g"));
  say("link a directory", link("a/b", "a/bb"));
  say("link missing", link("a/nope", "a/x"));
  say("linkat via dirfd", linkat(a, "f", AT_FDCWD, "h", 0));
  say("nlink h", nlink("h"));
  say("unlink a/f", unlink("a/f"));
  say("nlink a/g", nlink("a/g"));
  char buf[64] = {0};
  int fd = open("a/g", O_RDONLY);
  say("read through the other name", read(fd, buf, sizeof buf - 1));
  printf("content = %s\n", buf);
  close(fd);

  // Symlinks.
  say("symlink g a/s", symlink("g", "a/s"));
  say("symlink onto existing", symlink("g", "a/s"));
  say("symlink empty target", symlink("", "a/e"));
  ssize_t n = readlink("a/s", buf, sizeof buf);
  say("readlink a/s", n);
  if (n >= 0) printf("target = %.*s\n", (int)n, buf);
  say("readlink truncated", readlink("a/s", buf, 1));
  say("readlink a file", readlink("a/g", buf, sizeof buf));
  say("readlink missing", readlink("a/nope", buf, sizeof buf));
  say("readlinkat via dirfd", readlinkat(a, "s", buf, sizeof buf));
  say("lstat a/s", lstat("a/s", &st));
  printf("a/s is link = %d, size = %lld\n", S_ISLNK(st.st_mode), (long long)st.st_size);
  say("stat a/s (follows)", stat("a/s", &st));
  printf("a/s target is reg = %d\n", S_ISREG(st.st_mode));
  say("symlink loop1 -> loop2", symlink("loop2", "loop1"));
  say("symlink loop2 -> loop1", symlink("loop1", "loop2"));
  say("open loop", open("loop1", O_RDONLY));
  say("stat loop", stat("loop1", &st));
  say("lstat loop (not followed)", lstat("loop1", &st));
  say("open loop/x", open("loop1/x", O_RDONLY));
  say("open a/s O_NOFOLLOW", open("a/s", O_RDONLY | O_NOFOLLOW));
  say("symlink self", symlink("self", "self"));
  say("stat self", stat("self", &st));
  say("symlink to dir", symlink("a/b", "tob"));
  say("mkdir through symlink dir", mkdir("tob/c2", 0755));
  say("nlink a/b", nlink("a/b"));
  say("create through dangling symlink", symlink("created", "dangling"));
  fd = open("dangling", O_WRONLY | O_CREAT, 0644);
  say("open O_CREAT dangling", fd >= 0 ? 0 : -1);
  close(fd);
  say("stat created", stat("created", &st));
  say("open O_CREAT|O_EXCL on symlink", open("dangling", O_WRONLY | O_CREAT | O_EXCL, 0644));

  // rename.
  list("a before renames", "a");
  say("rename a/g a/g2", rename("a/g", "a/g2"));
  say("rename missing", rename("a/g", "a/g3"));
  say("rename NOREPLACE onto existing", rename2("a/g2", "h", 1));
  say("rename NOREPLACE to new", rename2("a/g2", "a/g3", 1));
  say("rename bad flag", rename2("a/g3", "a/g4", 8));
  say("rename file onto file", rename("a/g3", "h"));
  say("nlink h", nlink("h"));
  say("rename dir onto file", rename("a/b", "h"));
  say("rename file onto dir", rename("h", "a/b"));
  say("rename dir into itself", rename("a", "a/b/inside"));
  say("rename dir onto non-empty dir", rename("a/d", "a/b"));
  say("mkdir e", mkdir("e", 0755));
  say("rename dir onto empty dir", rename("a/d", "e"));
  say("rename a/b to top", rename("a/b", "b"));
  say("nlink a", nlink("a"));
  say("nlink b", nlink("b"));
  say("stat b/..", stat("b/..", &st));
  say("rename . ", rename(".", "x"));
  say("rename onto ..", rename("h", ".."));
  say("rename file/ trailing slash", rename("h/", "h2"));
  say("rename onto itself", rename("h", "h"));
  list("top", ".");
  list("a after renames", "a");
  list("b", "b");

  // Removal.
  say("rmdir non-empty", rmdir("b"));
  say("rmdir a file", rmdir("h"));
  say("unlink a dir", unlink("b"));
  say("unlinkat AT_REMOVEDIR on a file", unlinkat(AT_FDCWD, "h", AT_REMOVEDIR));
  say("unlinkat bad flag", unlinkat(AT_FDCWD, "h", 1));
  say("rmdir .", rmdir("."));
  say("rmdir b/..", rmdir("b/.."));
  say("rmdir missing", rmdir("nope"));
  say("unlink missing", unlink("nope"));
  say("unlink h/", unlink("h/"));
  say("unlinkat via dirfd", unlinkat(a, "s", 0));
  say("unlink all of b", unlink("b/c2") == 0 ? 0 : rmdir("b/c2"));
  say("rmdir b/c", rmdir("b/c"));
  say("rmdir b", unlinkat(AT_FDCWD, "b", AT_REMOVEDIR));
  say("fstatat b after removal", fstatat(AT_FDCWD, "b", &st, 0));
  unlink("h");
  unlink("a/g3");  // a hard link of h: renaming onto h left it
  unlink("tob");
  unlink("loop1");
  unlink("loop2");
  unlink("self");
  unlink("dangling");
  unlink("created");
  say("rmdir e", rmdir("e"));
  say("rmdir a", rmdir("a"));
  list("top at the end", ".");
  close(a);
  say("rmdir tmpdir", rmdir(dir));
  return 0;
}
