// What fork shares must be observable (issue 7): lseek, fcntl, pipe2 with
// O_NONBLOCK and fstat, and through them that a forked child shares its
// parent's open files (offset and status flags) but has its own table
// (descriptor flags, new descriptors), that dup shares the open file, and
// that a second open does not. CLONE_FILES is files_clone_share.c.
//
// The program opens its own binary: argv[0] under qemu-riscv64 (the host
// path), /bin/NAME on Tine (argv[0] is the bare name there).
#define _GNU_SOURCE
#include "ld.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>


// The status flags this program compares: what F_GETFL reports beyond
// them (O_LARGEFILE on a 64-bit Linux) qemu-user does not pass on.
static long fl(int fd) {
  long r = fcntl(fd, F_GETFL);
  return r < 0 ? r : (r & (O_ACCMODE | O_APPEND | O_NONBLOCK));
}

static long cur(int fd) { return lseek(fd, 0, SEEK_CUR); }

static int child_status(pid_t pid) {
  int st = -1;
  if (waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void lseek_checks(int fd, off_t size) {
  printf("-- lseek\n");
  char b[4];
  say("lseek(SET 0)", lseek(fd, 0, SEEK_SET));
  say("read 4", read(fd, b, 4));
  printf("ELF magic: %d\n", memcmp(b, "\177ELF", 4) == 0);
  say("lseek(CUR -2)", lseek(fd, -2, SEEK_CUR));
  say("read 2", read(fd, b, 2));
  printf("bytes 2..3 are LF: %d\n", memcmp(b, "LF", 2) == 0);
  printf("lseek(END 0) == st_size: %d\n", lseek(fd, 0, SEEK_END) == size);
  printf("lseek(END -4) == st_size - 4: %d\n", lseek(fd, -4, SEEK_END) == size - 4);
  printf("lseek(SET past end) == size + 100: %d\n",
         lseek(fd, size + 100, SEEK_SET) == size + 100);
  say("read past end", read(fd, b, 4));
  say("lseek(SET 10)", lseek(fd, 10, SEEK_SET));
  say("lseek(SET -1)", lseek(fd, -1, SEEK_SET));
  say("lseek(END -(size+1))", lseek(fd, -(size + 1), SEEK_END));
  say("lseek(CUR LLONG_MAX)", lseek(fd, LLONG_MAX, SEEK_CUR));
  say("lseek(whence 7)", lseek(fd, 0, 7));
  say("offset after the errors", cur(fd));
  say("lseek(bad fd)", lseek(60, 0, SEEK_SET));
}

static void fcntl_checks(int fd) {
  printf("-- fcntl\n");
  say("F_GETFD", fcntl(fd, F_GETFD));
  say("F_SETFD FD_CLOEXEC", fcntl(fd, F_SETFD, FD_CLOEXEC));
  say("F_GETFD", fcntl(fd, F_GETFD));
  say("F_SETFD 2 (not FD_CLOEXEC)", fcntl(fd, F_SETFD, 2));
  say("F_GETFD", fcntl(fd, F_GETFD));
  say("F_GETFL", fl(fd));
  say("F_SETFL O_RDWR|O_APPEND|O_NONBLOCK", fcntl(fd, F_SETFL, O_RDWR | O_APPEND | O_NONBLOCK));
  say("F_GETFL (access mode kept)", fl(fd));
  say("F_SETFL 0", fcntl(fd, F_SETFL, 0));
  say("F_GETFL", fl(fd));
  say("F_DUPFD 40", fcntl(fd, F_DUPFD, 40));
  say("F_DUPFD 40 again", fcntl(fd, F_DUPFD, 40));
  say("F_GETFD of 41", fcntl(41, F_GETFD));
  say("lseek(fd, 33) moves the duplicate too", lseek(fd, 33, SEEK_SET));
  say("offset of 41", cur(41));
  say("F_DUPFD_CLOEXEC 50", fcntl(fd, F_DUPFD_CLOEXEC, 50));
  say("F_GETFD of 50", fcntl(50, F_GETFD));
  say("F_GETFD of fd (its own)", fcntl(fd, F_GETFD));
  say("F_DUPFD -1", fcntl(fd, F_DUPFD, -1));
  say("F_DUPFD_CLOEXEC -1", fcntl(fd, F_DUPFD_CLOEXEC, -1));
  long low = fcntl(fd, F_DUPFD, 0);
  close(low);
  long low2 = dup(fd);
  printf("F_DUPFD 0 gives the lowest free, as dup: %d\n", low >= 0 && low == low2);
  close(low2);
  close(40);
  close(41);
  close(50);
  say("F_GETFD of closed 41", fcntl(41, F_GETFD));
  say("fcntl(bad fd, F_GETFL)", fcntl(60, F_GETFL));
  say("fcntl(fd, cmd 999)", fcntl(fd, 999));
  say("fcntl(-1, F_GETFD)", fcntl(-1, F_GETFD));
}

static void pipe_checks(void) {
  printf("-- pipe2\n");
  int p[2], q[2];
  char b[4096];
  memset(b, 'x', sizeof b);
  say("pipe2(O_NONBLOCK)", pipe2(p, O_NONBLOCK));
  say("F_GETFL read end", fcntl(p[0], F_GETFL));
  say("F_GETFL write end", fcntl(p[1], F_GETFL));
  say("F_GETFD", fcntl(p[0], F_GETFD));
  say("read empty", read(p[0], b, 10));
  say("write 3", write(p[1], "abc", 3));
  say("read", read(p[0], b, 10));
  say("read empty again", read(p[0], b, 10));
  long total = 0, r;
  while ((r = write(p[1], b, sizeof b)) > 0) total += r;
  say("write to a full pipe", r);
  printf("filled: %d\n", total > 0);
  say("write 1 to a full pipe", write(p[1], b, 1));
  long drained = 0;
  while ((r = read(p[0], b, sizeof b)) > 0) drained += r;
  say("read of the drained pipe", r);
  printf("drained == written: %d\n", drained == total);
  say("lseek(pipe)", lseek(p[0], 0, SEEK_CUR));
  say("lseek(pipe, whence 7)", lseek(p[0], 0, 7));
  close(p[1]);
  say("read with no writer (EOF, not EAGAIN)", read(p[0], b, 10));
  close(p[0]);

  say("pipe2(0)", pipe2(q, 0));
  say("F_GETFL read end", fcntl(q[0], F_GETFL));
  say("F_SETFL O_NONBLOCK on the read end", fcntl(q[0], F_SETFL, O_NONBLOCK));
  say("read empty", read(q[0], b, 10));
  say("F_SETFL O_NONBLOCK on the write end", fcntl(q[1], F_SETFL, O_NONBLOCK | O_WRONLY));
  while ((r = write(q[1], b, 1000)) > 0) {
  }
  say("write to a full pipe", r);
  say("F_SETFL 0 on the read end", fcntl(q[0], F_SETFL, 0));
  say("F_GETFL read end", fcntl(q[0], F_GETFL));
  close(q[0]);
  close(q[1]);

  say("pipe2(O_CLOEXEC|O_NONBLOCK)", pipe2(q, O_CLOEXEC | O_NONBLOCK));
  say("F_GETFD", fcntl(q[1], F_GETFD));
  say("F_GETFL write end", fcntl(q[1], F_GETFL));
  close(q[0]);
  close(q[1]);
  say("pipe2(O_APPEND)", pipe2(q, O_APPEND));
  say("pipe2(O_RDWR)", pipe2(q, O_RDWR));
}

static void stat_checks(int fd, const char* path) {
  printf("-- fstat\n");
  struct stat a, b, c;
  say("fstat(file)", fstat(fd, &a));
  printf("S_ISREG: %d nlink: %ld blksize: %ld\n", S_ISREG(a.st_mode) != 0, (long)a.st_nlink,
         (long)a.st_blksize);
  printf("st_blocks covers st_size: %d\n", a.st_blocks * 512 >= a.st_size);
  say("stat(path)", stat(path, &b));
  printf("same ino and dev as fstat: %d\n", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
  int fd2 = open(path, O_RDONLY);
  say("fstat(second open)", fstat(fd2, &c));
  printf("second open: same ino: %d\n", a.st_ino == c.st_ino);
  close(fd2);
  memset(&c, 0, sizeof c);
  say("raw fstat (80)", syscall(SYS_fstat, fd, &c));
  printf("raw fstat agrees: %d\n",
         c.st_ino == a.st_ino && c.st_size == a.st_size && c.st_mode == a.st_mode);
  say("fstatat(fd, \"\", AT_EMPTY_PATH)", fstatat(fd, "", &c, AT_EMPTY_PATH));
  printf("agrees: %d\n", c.st_ino == a.st_ino);
  say("fstatat(fd, \"\", 0)", fstatat(fd, "", &c, 0));
  say("fstatat(AT_FDCWD, path, 0x8)", fstatat(AT_FDCWD, path, &c, 0x8));
  say("stat(/)", stat("/", &c));
  printf("/ is a directory: %d\n", S_ISDIR(c.st_mode) != 0);
  say("stat(missing)", stat("/no-such-file-here", &c));
  say("fstat(bad fd)", fstat(60, &c));
  say("fstat(bad pointer)", fstat(fd, (struct stat*)8));
  say("raw fstat(bad pointer)", syscall(SYS_fstat, fd, 8));

  int p[2];
  pipe(p);
  say("fstat(pipe read end)", fstat(p[0], &a));
  say("fstat(pipe write end)", fstat(p[1], &b));
  printf("S_ISFIFO: %d mode: %o nlink: %ld size: %ld\n", S_ISFIFO(a.st_mode) != 0,
         (unsigned)(a.st_mode & 07777), (long)a.st_nlink, (long)a.st_size);
  printf("both ends one ino: %d\n", a.st_ino == b.st_ino);
  write(p[1], "abc", 3);
  fstat(p[0], &a);
  printf("size with 3 bytes in: %ld\n", (long)a.st_size);
  int p2[2];
  pipe(p2);
  fstat(p2[0], &c);
  printf("another pipe, another ino: %d\n", c.st_ino != b.st_ino);
  close(p[0]);
  close(p[1]);
  close(p2[0]);
  close(p2[1]);
}

static void fork_checks(const char* path) {
  printf("-- fork (copied table)\n");
  int fd = open(path, O_RDONLY);
  int d = dup(fd);
  say("dup shares the offset: lseek(fd, 50)", lseek(fd, 50, SEEK_SET));
  say("offset of the dup", cur(d));
  say("F_SETFL O_NONBLOCK on the dup", fcntl(d, F_SETFL, O_NONBLOCK));
  say("F_GETFL of fd", fl(fd));
  say("F_SETFD FD_CLOEXEC on the dup", fcntl(d, F_SETFD, FD_CLOEXEC));
  say("F_GETFD of fd (per descriptor)", fcntl(fd, F_GETFD));
  fcntl(d, F_SETFL, 0);

  int other = open(path, O_RDONLY);
  say("second open: offset", cur(other));
  say("F_SETFL O_APPEND on the second open", fcntl(other, F_SETFL, O_APPEND));
  say("F_GETFL of fd (not shared)", fl(fd));
  say("lseek(second open, 7)", lseek(other, 7, SEEK_SET));
  say("offset of fd (not shared)", cur(fd));

  pid_t pid = fork();
  if (pid == 0) {
    // The child moves the offset, sets a status flag and a descriptor
    // flag, reads, closes one descriptor and opens a new one.
    int bad = 0;
    bad |= cur(fd) != 50;
    bad |= lseek(fd, 100, SEEK_SET) != 100;
    bad |= fcntl(fd, F_SETFL, O_NONBLOCK) != 0;
    bad |= fcntl(fd, F_SETFD, FD_CLOEXEC) != 0;
    char b[8];
    bad |= read(d, b, 8) != 8;  // through the dup: the offset is 108 after
    bad |= close(other) != 0;
    int n = open(path, O_RDONLY);
    bad |= n < 0;
    bad |= n != other;  // the lowest free number: the one just closed
    _exit(bad ? 1 : 0);
  }
  say("child", child_status(pid));
  say("offset after the child's lseek and read", cur(fd));
  say("F_GETFL after the child's F_SETFL (shared)", fl(fd));
  say("F_GETFD after the child's F_SETFD (own table)", fcntl(fd, F_GETFD));
  say("second open still open here", fcntl(other, F_GETFD));
  say("and its offset", cur(other));
  int n = open(path, O_RDONLY);
  printf("the child's new descriptor is not here: next open gets a fresh number: %d\n",
         n != other && n >= 0);
  close(n);
  close(other);

  // The parent moves the offset; a child reading after it sees the move.
  lseek(fd, 0, SEEK_SET);
  pid = fork();
  if (pid == 0) {
    char b[4];
    _exit(read(fd, b, 4) == 4 && memcmp(b, "\177ELF", 4) == 0 ? 0 : 1);
  }
  say("child read the start", child_status(pid));
  say("offset after the child's read", cur(fd));
  close(fd);
  close(d);
}

int main(int argc, char** argv) {
  (void)argc;
  char buf[256];
  const char* path = self_path(argv[0], buf, sizeof buf);
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("cannot open myself\n");
    return 1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    printf("fstat failed\n");
    return 1;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  lseek_checks(fd, st.st_size);
  fcntl_checks(fd);
  pipe_checks();
  stat_checks(fd, path);
  close(fd);
  fork_checks(path);
  return 0;
}
