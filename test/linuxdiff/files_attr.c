// Attributes: stat/fstat/fstatat/statx fields a program can compare,
// fchmod/fchmodat, fchownat, utimensat (explicit, UTIME_NOW, UTIME_OMIT),
// faccessat/faccessat2, umask, mknodat of a FIFO, statfs/fstatfs, sync,
// fchdir/getcwd. Works in a fresh directory under /tmp.
#include "ld.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

int main(void) {
  char dir[] = "/tmp/ldattrXXXXXX";
  if (!mkdtemp(dir)) return 1;
  say("chdir tmpdir", chdir(dir));
  umask(022);
  say("umask 027 returns 022", umask(027));
  int fd = open("f", O_RDWR | O_CREAT, 0666);
  struct stat st, st2;
  say("fstat", fstat(fd, &st));
  printf("mode = %o nlink = %ld size = %lld uid = %d gid = %d\n", st.st_mode,
         (long)st.st_nlink, (long long)st.st_size, st.st_uid, st.st_gid);
  say("umask back to 022", umask(022));
  say("write", write(fd, "12345", 5));
  say("stat", stat("f", &st2));
  printf("same ino and dev = %d size = %lld\n", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev,
         (long long)st2.st_size);
  say("fstatat AT_EMPTY_PATH", fstatat(fd, "", &st2, AT_EMPTY_PATH));
  printf("same ino = %d\n", st.st_ino == st2.st_ino);
  say("fstatat \"\" without AT_EMPTY_PATH", fstatat(fd, "", &st2, 0));
  say("fstatat bad flag", fstatat(AT_FDCWD, "f", &st2, 0x4));
  say("stat bad buffer", stat("f", (struct stat*)8));
  say("fstat bad fd", fstat(42, &st2));

  // statx.
  struct statx sx;
  say("statx", statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS, &sx));
  printf("statx basic = %d mode = %o size = %llu nlink = %u\n",
         (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS, sx.stx_mode,
         (unsigned long long)sx.stx_size, sx.stx_nlink);
  printf("statx ino = stat ino: %d dev: %d\n", sx.stx_ino == st.st_ino,
         makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev);
  say("statx bad flags", statx(AT_FDCWD, "f", 0x80000000, STATX_BASIC_STATS, &sx));
  say("statx reserved mask", statx(AT_FDCWD, "f", 0, 0x80000000u, &sx));
  say("statx missing", statx(AT_FDCWD, "nope", 0, STATX_BASIC_STATS, &sx));

  // chmod and chown.
  say("fchmod 0600", fchmod(fd, 0600));
  say("stat", stat("f", &st));
  printf("mode = %o\n", st.st_mode);
  say("fchmodat 04751", fchmodat(AT_FDCWD, "f", 04751, 0));
  say("stat", stat("f", &st));
  printf("mode = %o\n", st.st_mode);
  say("chmod missing", chmod("nope", 0644));
  say("fchownat to 5:6", fchownat(AT_FDCWD, "f", 5, 6, 0));
  say("stat", stat("f", &st));
  printf("uid = %d gid = %d mode = %o (set-uid cleared)\n", st.st_uid, st.st_gid, st.st_mode);
  say("fchownat -1:-1", fchownat(AT_FDCWD, "f", -1, -1, 0));
  say("fchown back to 0:0", fchown(fd, 0, 0));
  say("fchownat bad flag", fchownat(AT_FDCWD, "f", 0, 0, 0x2));
  say("symlink", symlink("f", "l"));
  say("lchown the link", fchownat(AT_FDCWD, "l", 7, 7, AT_SYMLINK_NOFOLLOW));
  say("lstat l", lstat("l", &st));
  printf("link uid = %d; ", st.st_uid);
  say("stat f", stat("f", &st));
  printf("target uid = %d\n", st.st_uid);

  // Times.
  struct timespec ts[2] = {{1000000000, 5}, {1200000000, 7}};
  say("utimensat explicit", utimensat(AT_FDCWD, "f", ts, 0));
  say("stat", stat("f", &st));
  printf("atime = %ld.%ld mtime = %ld.%ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
         (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  struct timespec omit[2] = {{0, UTIME_OMIT}, {1300000000, 0}};
  say("utimensat atime omitted", utimensat(AT_FDCWD, "f", omit, 0));
  say("stat", stat("f", &st));
  printf("atime = %ld mtime = %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
  // "Now" is the realtime clock's (Tine's starts at boot, Linux's at the
  // date): compare with it, not with a date.
  struct timespec before;
  clock_gettime(CLOCK_REALTIME, &before);
  struct timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
  say("utimensat atime now", utimensat(AT_FDCWD, "f", now, 0));
  say("stat", stat("f", &st));
  printf("atime moved on = %d mtime = %ld\n", st.st_atim.tv_sec >= before.tv_sec,
         (long)st.st_mtim.tv_sec);
  say("futimens", futimens(fd, ts));
  say("fstat", fstat(fd, &st));
  printf("mtime = %ld\n", (long)st.st_mtim.tv_sec);
  struct timespec bad[2] = {{0, 2000000000}, {0, 0}};
  say("utimensat bad nsec", utimensat(AT_FDCWD, "f", bad, 0));
  say("utimensat missing", utimensat(AT_FDCWD, "nope", NULL, 0));
  say("utimensat NULL times", utimensat(AT_FDCWD, "f", NULL, 0));
  say("stat", stat("f", &st));
  printf("mtime is now = %d\n", st.st_mtim.tv_sec >= before.tv_sec);
  say("write moves mtime", write(fd, "x", 1));

  // access.
  say("access F_OK", access("f", F_OK));
  say("access R_OK|W_OK", access("f", R_OK | W_OK));
  say("access X_OK (0751)", access("f", X_OK));
  say("fchmod 0644", fchmod(fd, 0644));
  say("access X_OK (0644, root)", access("f", X_OK));
  say("access missing", access("nope", F_OK));
  say("access bad mode", access("f", 8));
  say("faccessat dir X_OK", faccessat(AT_FDCWD, ".", X_OK, 0));
  say("faccessat2 AT_EACCESS", syscall(439, AT_FDCWD, "f", R_OK, AT_EACCESS));
  say("faccessat2 bad flag", syscall(439, AT_FDCWD, "f", R_OK, 0x1));
  say("access through file", access("f/x", F_OK));

  // FIFOs and other nodes.
  say("mkfifo", mkfifo("fifo", 0644));
  say("stat fifo", stat("fifo", &st));
  printf("fifo mode = %o size = %lld\n", st.st_mode, (long long)st.st_size);
  say("mkfifo existing", mkfifo("fifo", 0644));
  say("mknod regular", mknod("reg", S_IFREG | 0600, 0));
  say("stat reg", stat("reg", &st));
  printf("reg mode = %o\n", st.st_mode);
  say("mknod bad type", mknod("bad", 0170000 | 0600, 0));
  say("mknod directory", mknod("d", S_IFDIR | 0700, 0));

  // statfs.
  struct statfs sf, sf2;
  say("statfs", statfs(".", &sf));
  say("fstatfs", fstatfs(fd, &sf2));
  printf("same type = %d namelen = %ld\n", sf.f_type == sf2.f_type, (long)sf.f_namelen);
  say("statfs missing", statfs("nope", &sf));
  say("fstatfs bad fd", fstatfs(42, &sf));
  sync();
  say("sync done", 0);

  // fchdir and getcwd.
  say("mkdir sub", mkdir("sub", 0755));
  int sub = open("sub", O_RDONLY | O_DIRECTORY);
  say("fchdir sub", fchdir(sub));
  char cwd[256];
  printf("getcwd ends in tmpdir/sub = %d\n",
         getcwd(cwd, sizeof cwd) && !strcmp(cwd + strlen(dir), "/sub") &&
             !strncmp(cwd, dir, strlen(dir)));
  say("fchdir a file", fchdir(fd));
  say("fchdir bad fd", fchdir(99));
  say("chdir ..", chdir(".."));
  say("rmdir sub", rmdir("sub"));
  say("fchdir removed dir", fchdir(sub));
  say("getcwd in removed dir", getcwd(cwd, sizeof cwd) ? 0 : -1);
  say("chdir tmpdir", chdir(dir));
  close(sub);

  unlink("f");
  unlink("l");
  unlink("fifo");
  unlink("reg");
  say("rmdir tmpdir", rmdir(dir));
  return 0;
}
