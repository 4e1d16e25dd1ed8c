// /proc/self/fd/N and /dev/fd/N opened, as Linux's magic links: open
// makes a new open file description of the same file (its own offset and
// flags) for a regular file, a directory and a pipe (either end, whichever
// access mode is asked); stat follows the link to the file, lstat and
// readlink see the link; O_NOFOLLOW is ELOOP, a closed fd ENOENT, a
// trailing slash on a file ENOTDIR; a file unlinked meanwhile still opens;
// another process's fd opens through /proc/<pid>/fd.
#include "ld.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char path[64];
static const char* fdpath(const char* dir, int fd) {
  snprintf(path, sizeof path, "%s/%d", dir, fd);
  return path;
}

static void show_read(const char* what, int fd) {
  char buf[32];
  ssize_t r = read(fd, buf, sizeof buf);
  if (r < 0)
    say(what, r);
  else
    printf("%s = %zd \"%.*s\"\n", what, r, (int)r, buf);
}

static void same_file(const char* what, int a, int b) {
  struct stat sa, sb;
  fstat(a, &sa);
  fstat(b, &sb);
  printf("%s: same dev/ino %d, same mode %d\n", what, sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino,
         sa.st_mode == sb.st_mode);
}

int main(void) {
  char dir[] = "/tmp/ldprocfdXXXXXX";
  if (!mkdtemp(dir) || chdir(dir)) return 1;

  // A pipe: the read end opened again reads what the writer wrote.
  int p[2];
  if (pipe(p)) return 1;
  write(p[1], "abc", 3);
  int r2 = open(fdpath("/proc/self/fd", p[0]), O_RDONLY);
  say("open the read end again", r2 >= 0 ? 0 : -1);
  same_file("read end again", p[0], r2);
  show_read("read through it", r2);
  // The write end opened again for writing, and for reading (a pipe's
  // node opens either way).
  int w2 = open(fdpath("/dev/fd", p[1]), O_WRONLY);
  say("open the write end again", w2 >= 0 ? 0 : -1);
  int r3 = open(fdpath("/dev/fd", p[1]), O_RDONLY);
  say("open the write end for reading", r3 >= 0 ? 0 : -1);
  write(w2, "de", 2);
  show_read("read via the write end's node", r3);
  printf("flags: %#o %#o\n", fcntl(w2, F_GETFL) & O_ACCMODE, fcntl(r3, F_GETFL) & O_ACCMODE);
  struct stat st;
  say("stat /proc/self/fd/N (pipe) is a FIFO",
      stat(fdpath("/proc/self/fd", p[0]), &st) == 0 ? S_ISFIFO(st.st_mode) : -1);
  say("lstat is a link", lstat(fdpath("/proc/self/fd", p[0]), &st) == 0 ? S_ISLNK(st.st_mode) : -1);
  char link[64] = {0};
  readlink(fdpath("/proc/self/fd", p[0]), link, sizeof link - 1);
  printf("readlink starts with pipe:[ %d\n", strncmp(link, "pipe:[", 6) == 0);
  // Every writer closed, the new reader sees end of file.
  close(p[1]);
  close(w2);
  show_read("all writers closed, read", r3);
  close(r3);
  close(r2);
  close(p[0]);

  // A regular file: a new offset and its own flags.
  int f = open("file", O_RDWR | O_CREAT, 0644);
  write(f, "0123456789", 10);
  lseek(f, 4, SEEK_SET);
  int f2 = open(fdpath("/proc/self/fd", f), O_RDONLY);
  say("open a file again", f2 >= 0 ? 0 : -1);
  same_file("file again", f, f2);
  say("its offset", lseek(f2, 0, SEEK_CUR));
  say("the first one's offset", lseek(f, 0, SEEK_CUR));
  printf("access modes: %d %d\n", fcntl(f, F_GETFL) & O_ACCMODE, fcntl(f2, F_GETFL) & O_ACCMODE);
  say("write through the O_RDONLY one", write(f2, "x", 1));
  int f3 = open(fdpath("/dev/fd", f), O_WRONLY | O_TRUNC);
  say("O_TRUNC through the link", f3 >= 0 ? 0 : -1);
  say("size after", fstat(f, &st) == 0 ? st.st_size : -1);
  close(f3);
  say("O_NOFOLLOW", open(fdpath("/proc/self/fd", f), O_RDONLY | O_NOFOLLOW));
  say("O_CREAT|O_EXCL", open(fdpath("/proc/self/fd", f), O_RDWR | O_CREAT | O_EXCL, 0644));
  say("O_DIRECTORY on a file", open(fdpath("/proc/self/fd", f), O_RDONLY | O_DIRECTORY));
  snprintf(path, sizeof path, "/proc/self/fd/%d/", f);
  say("trailing slash", open(path, O_RDONLY));
  say("a closed fd", open(fdpath("/proc/self/fd", 60), O_RDONLY));
  say("unlink the file", unlink("file"));
  int f4 = open(fdpath("/dev/fd", f), O_RDONLY);
  say("open an unlinked file again", f4 >= 0 ? 0 : -1);
  close(f4);
  close(f2);
  close(f);

  // A directory: opened again, it serves as an openat dirfd.
  mkdir("sub", 0755);
  close(open("sub/g", O_WRONLY | O_CREAT, 0644));
  int d = open("sub", O_RDONLY | O_DIRECTORY);
  int d2 = open(fdpath("/proc/self/fd", d), O_RDONLY | O_DIRECTORY);
  say("open a directory again", d2 >= 0 ? 0 : -1);
  int g = openat(d2, "g", O_RDONLY);
  say("openat in it", g >= 0 ? 0 : -1);
  say("a path through it", access(fdpath("/proc/self/fd", d), F_OK));
  snprintf(path, sizeof path, "/proc/self/fd/%d/g", d);
  say("stat a name under it", stat(path, &st));
  say("write-open a directory", open(fdpath("/proc/self/fd", d), O_WRONLY));
  close(g);
  close(d2);

  // Another process's descriptor.
  if (pipe(p)) return 1;
  write(p[1], "parent's", 8);
  pid_t parent = getpid();
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    close(p[1]);
    char pp[64];
    snprintf(pp, sizeof pp, "/proc/%d/fd/%d", (int)parent, p[0]);
    int c = open(pp, O_RDONLY);
    show_read("child reads the parent's pipe", c);
    fflush(stdout);
    _exit(c >= 0 ? 0 : 1);
  }
  int stc;
  waitpid(pid, &stc, 0);
  say("child", WEXITSTATUS(stc));

  unlink("sub/g");
  rmdir("sub");
  chdir("/");
  say("rmdir", rmdir(dir));
  return 0;
}
