// Regular files through the file syscalls: openat's flags and errors,
// read/write/readv/writev/pread64/pwrite64/lseek, offsets shared across
// fork and dup and separate after a second open, O_APPEND, O_TRUNC,
// ftruncate, fsync. Works in a fresh directory under /tmp.
#include "ld.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

static void show_read(const char* what, int fd, size_t n) {
  char buf[64] = {0};
  ssize_t r = read(fd, buf, n);
  if (r < 0) {
    say(what, r);
    return;
  }
  printf("%s = %zd \"%.*s\"\n", what, r, (int)r, buf);
}

int main(void) {
  char dir[] = "/tmp/ldfilesXXXXXX";
  if (!mkdtemp(dir)) return 1;
  say("chdir tmpdir", chdir(dir));
  umask(022);

  // Creating, and the errors of creating.
  int fd = open("f", O_RDWR | O_CREAT | O_EXCL, 0644);
  say("open O_CREAT|O_EXCL", fd >= 0 ? 0 : -1);
  say("open O_CREAT|O_EXCL again", open("f", O_RDWR | O_CREAT | O_EXCL, 0644));
  say("open missing", open("missing", O_RDONLY));
  say("open missing dir/file", open("nodir/f", O_RDWR | O_CREAT, 0644));
  say("open f/x (f is a file)", open("f/x", O_RDONLY));
  say("open f/ (trailing slash)", open("f/", O_RDONLY));
  say("open . O_WRONLY", open(".", O_WRONLY));
  say("open . O_CREAT", open(".", O_RDONLY | O_CREAT, 0644));
  say("open f O_DIRECTORY", open("f", O_RDONLY | O_DIRECTORY));
  say("open O_CREAT|O_DIRECTORY", open("g", O_RDWR | O_CREAT | O_DIRECTORY, 0644));
  say("open bad pointer", open((const char*)8, O_RDONLY));
  char longname[300];
  memset(longname, 'n', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  say("open long name", open(longname, O_RDONLY));
  say("open \"\"", open("", O_RDONLY));
  say("openat bad dirfd", openat(77, "f", O_RDONLY));
  say("openat file as dirfd", openat(fd, "x", O_RDONLY));

  // Writing and reading at offsets.
  say("write hello", write(fd, "hello world", 11));
  say("lseek cur", lseek(fd, 0, SEEK_CUR));
  say("lseek set 6", lseek(fd, 6, SEEK_SET));
  show_read("read 5", fd, 5);
  show_read("read at end", fd, 5);
  say("lseek end -5", lseek(fd, -5, SEEK_END));
  say("lseek negative", lseek(fd, -100, SEEK_SET));
  say("lseek bad whence", lseek(fd, 0, 7));
  say("lseek past end", lseek(fd, 20, SEEK_SET));
  say("write past end", write(fd, "!", 1));
  struct stat st;
  say("fstat", fstat(fd, &st));
  printf("size = %lld\n", (long long)st.st_size);
  char buf[32];
  say("pread hole", pread(fd, buf, 10, 10));
  printf("hole bytes zero = %d\n", buf[1] == 0 && buf[8] == 0);
  say("pwrite at 0", pwrite(fd, "HELLO", 5, 0));
  say("offset after pwrite", lseek(fd, 0, SEEK_CUR));
  say("pread negative offset", pread(fd, buf, 1, -1));
  say("lseek 0", lseek(fd, 0, SEEK_SET));
  show_read("read after pwrite", fd, 11);

  // readv / writev.
  struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cde", 3}};
  say("lseek 0", lseek(fd, 0, SEEK_SET));
  say("writev", writev(fd, iov, 3));
  char r1[3] = {0}, r2[4] = {0};
  struct iovec riov[2] = {{r1, 2}, {r2, 3}};
  say("lseek 0", lseek(fd, 0, SEEK_SET));
  say("readv", readv(fd, riov, 2));
  printf("readv got %s|%s\n", r1, r2);
  say("readv bad fd", readv(99, riov, 2));
  say("readv too many", syscall(SYS_readv, fd, riov, 2000));

  // EBADF for the wrong access mode, EISDIR for a directory, ESPIPE.
  int ro = open("f", O_RDONLY);
  say("write on O_RDONLY", write(ro, "x", 1));
  say("ftruncate on O_RDONLY", ftruncate(ro, 0));
  int wo = open("f", O_WRONLY);
  say("read on O_WRONLY", read(wo, buf, 1));
  int d = open(".", O_RDONLY | O_DIRECTORY);
  say("read a directory", read(d, buf, 1));
  say("ftruncate a directory", ftruncate(d, 0));
  int p[2];
  say("pipe", pipe(p));
  say("lseek a pipe", lseek(p[0], 0, SEEK_SET));
  say("pread a pipe", pread(p[0], buf, 1, 0));
  say("read closed fd", read(55, buf, 1));
  say("fsync file", fsync(fd));
  say("fsync pipe", fsync(p[0]));
  say("fdatasync file", fdatasync(fd));
  say("fsync bad fd", fsync(55));
  close(p[0]);
  close(p[1]);
  close(d);

  // Offsets: shared by dup and fork, separate for a second open.
  say("lseek 0", lseek(fd, 0, SEEK_SET));
  int dupfd = dup(fd);
  show_read("read 2 via fd", fd, 2);
  say("dup sees offset", lseek(dupfd, 0, SEEK_CUR));
  say("second open offset", lseek(ro, 0, SEEK_CUR));
  show_read("read 2 via second open", ro, 2);
  pid_t pid = fork();
  if (pid == 0) {
    lseek(fd, 7, SEEK_SET);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  say("offset after child's lseek", lseek(dupfd, 0, SEEK_CUR));
  say("second open unmoved", lseek(ro, 0, SEEK_CUR));

  // O_APPEND writes at the end whatever the offset.
  int ap = open("f", O_WRONLY | O_APPEND);
  say("lseek append fd to 0", lseek(ap, 0, SEEK_SET));
  say("append write", write(ap, "END", 3));
  say("append offset", lseek(ap, 0, SEEK_CUR));
  say("fstat", fstat(ap, &st));
  printf("size = %lld\n", (long long)st.st_size);
  say("fcntl getfl has O_APPEND", (fcntl(ap, F_GETFL) & O_APPEND) != 0);

  // O_TRUNC and ftruncate.
  int tr = open("f", O_RDWR | O_TRUNC);
  say("fstat after O_TRUNC", fstat(tr, &st));
  printf("size = %lld\n", (long long)st.st_size);
  say("write", write(tr, "0123456789", 10));
  say("ftruncate 4", ftruncate(tr, 4));
  say("ftruncate negative", ftruncate(tr, -1));
  say("lseek 0", lseek(tr, 0, SEEK_SET));
  show_read("read after ftruncate", tr, 10);
  say("ftruncate 8 (grow)", ftruncate(tr, 8));
  say("pread grown", pread(tr, buf, 8, 0));
  printf("grown tail zero = %d\n", buf[4] == 0 && buf[7] == 0);
  say("truncate by path", truncate("f", 2));
  say("truncate missing", truncate("missing", 2));
  say("truncate a directory", truncate(".", 2));
  say("fstat", fstat(tr, &st));
  printf("size = %lld\n", (long long)st.st_size);

  // O_CLOEXEC reaches the descriptor flag.
  int ce = open("f", O_RDONLY | O_CLOEXEC);
  say("FD_CLOEXEC set", fcntl(ce, F_GETFD) & FD_CLOEXEC);

  // O_CREAT without O_EXCL opens an existing file; the mode applies only
  // to new ones, less the umask.
  umask(077);
  int c2 = open("new", O_RDWR | O_CREAT, 0666);
  say("fstat new", fstat(c2, &st));
  printf("mode = %o\n", st.st_mode);
  umask(022);

  unlink("f");
  unlink("new");
  say("rmdir tmpdir", rmdir(dir));
  return 0;
}
