// execveat(2) (Linux 3.19, fs/exec.c do_execveat_common): a path relative
// to a directory descriptor, AT_EMPTY_PATH (the descriptor's own file:
// glibc's fexecve), AT_SYMLINK_NOFOLLOW (ELOOP on a final symlink), and the
// errors: EINVAL for an unknown flag, ENOENT for "" without AT_EMPTY_PATH
// or a missing name, EBADF for a bad dirfd, ENOTDIR for a dirfd that is no
// directory, EACCES for a directory or a pipe as the program. The new image
// prints what it was given, and AT_EXECFN: "/dev/fd/N[/path]" for a
// program found through a descriptor, as Linux's alloc_bprm names it.
//
// qemu-user 7.2 has no execveat: execveat_basic.expected holds the lines
// of the same program built for x86_64 and run on Linux 6.18.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIRFD 10   // fixed numbers, so that AT_EXECFN reads the same everywhere
#define SELFFD 11

static const char* self;  // this program's path
static const char* base;  // its file name

static void try(const char* what, int dirfd, const char* path, int flags) {
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) {
    char* a[] = {"execveat_basic", (char*)what, NULL};
    char* e[] = {"LINUXDIFF=env", NULL};
    syscall(SYS_execveat, dirfd, path, a, e, flags);
    printf("%s: -1 %s\n", what, strerrorname_np(errno));
    fflush(stdout);
    _exit(127);
  }
  int st;
  if (waitpid(p, &st, 0) != p) printf("%s: waitpid failed\n", what);
  else printf("%s: exit %d\n", what, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void moveto(int fd, int want) {
  if (fd < 0 || dup2(fd, want) != want) {
    printf("dup2 %d failed: %s\n", want, strerrorname_np(errno));
    exit(1);
  }
  close(fd);
}

int main(int argc, char** argv) {
  if (argc > 2) {
    printf("usage\n");
    return 2;
  }
  if (argc == 2) {
    const char* fn = (const char*)getauxval(AT_EXECFN);
    // A path from the cwd or an absolute one differs between the two
    // machines; one through a descriptor does not.
    printf("  ran %s with %s, execfn %s\n", argv[1], getenv("LINUXDIFF"),
           fn && strncmp(fn, "/dev/fd/", 8) == 0 ? fn : "(the path)");
    return 7;
  }
  self = realpath(argv[0], NULL);
  if (!self) {
    printf("realpath: %s\n", strerrorname_np(errno));
    return 1;
  }
  char* copy = strdup(self);
  base = strdup(basename(copy));
  char* dir = dirname(copy);
  moveto(open(dir, O_RDONLY | O_DIRECTORY), DIRFD);
  moveto(open(self, O_RDONLY), SELFFD);

  try("absolute path", AT_FDCWD, self, 0);
  try("absolute path, dirfd ignored", 99, self, 0);
  try("relative to dirfd", DIRFD, base, 0);
  try("AT_EMPTY_PATH", SELFFD, "", AT_EMPTY_PATH);
  fcntl(SELFFD, F_SETFD, FD_CLOEXEC);
  try("AT_EMPTY_PATH on a close-on-exec fd", SELFFD, "", AT_EMPTY_PATH);
  try("AT_EMPTY_PATH with a name", DIRFD, base, AT_EMPTY_PATH);
  try("\"\" without AT_EMPTY_PATH", SELFFD, "", 0);
  try("unknown flag", DIRFD, base, 0x10000);
  try("AT_SYMLINK_FOLLOW is not execveat's", DIRFD, base, AT_SYMLINK_FOLLOW);
  try("missing name", DIRFD, "no-such-program", 0);
  try("bad dirfd", 99, base, 0);
  try("closed dirfd", 42, base, 0);
  try("dirfd not a directory", SELFFD, base, 0);
  try("AT_EMPTY_PATH on a directory", DIRFD, "", AT_EMPTY_PATH);
  try("AT_EMPTY_PATH on a bad fd", 99, "", AT_EMPTY_PATH);
  int pfd[2];
  if (pipe(pfd) == 0) {
    try("AT_EMPTY_PATH on a pipe", pfd[0], "", AT_EMPTY_PATH);
    close(pfd[0]);
    close(pfd[1]);
  }

  // A symlink to this program: followed by default, ELOOP with
  // AT_SYMLINK_NOFOLLOW; a symlink on the way (the directory) is always
  // followed.
  char tmp[] = "/tmp/execveat.XXXXXX";
  if (!mkdtemp(tmp)) {
    printf("mkdtemp: %s\n", strerrorname_np(errno));
    return 1;
  }
  char link[64], dirlink[64], via[64];
  snprintf(link, sizeof link, "%s/prog", tmp);
  snprintf(dirlink, sizeof dirlink, "%s/dir", tmp);
  if (symlink(self, link) != 0 || symlink(dir, dirlink) != 0) {
    printf("symlink: %s\n", strerrorname_np(errno));
    return 1;
  }
  int tfd = open(tmp, O_RDONLY | O_DIRECTORY);
  moveto(tfd, DIRFD);
  snprintf(via, sizeof via, "dir/%s", base);
  try("symlink followed", DIRFD, "prog", 0);
  try("symlink, AT_SYMLINK_NOFOLLOW", DIRFD, "prog", AT_SYMLINK_NOFOLLOW);
  try("symlinked directory, AT_SYMLINK_NOFOLLOW", DIRFD, via, AT_SYMLINK_NOFOLLOW);
  unlink(link);
  unlink(dirlink);
  rmdir(tmp);
  // Not executable: EACCES.
  int nfd = open("/tmp/execveat-noexec", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (nfd >= 0) {
    if (write(nfd, "\177ELF", 4) != 4) printf("write failed\n");
    close(nfd);
    try("no execute permission", AT_FDCWD, "/tmp/execveat-noexec", 0);
    unlink("/tmp/execveat-noexec");
  }
  return 0;
}
