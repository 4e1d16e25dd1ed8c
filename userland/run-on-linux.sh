#!/usr/bin/env bash
# run-on-linux.sh [riscv64|x86_64] [PROGRAM ARGS...]
#
# Runs the user programs on Linux, the reference Tine must match: builds
# them by hand (static glibc, the same flags as userland/meson.build) into a
# root laid out like the initrd, and runs PROGRAM there (default:
# /bin/testrunner, i.e. all guest tests) with TINE_ROOT pointing at it.
#
#   riscv64  (default) under qemu-riscv64, user-mode QEMU. Needs binfmt_misc
#            to run riscv64 programs that a riscv64 program execs; registered
#            here (root only) if missing. Sets TINE_QEMU_USER=1: the checks
#            QEMU cannot do (vfork becomes fork, CLONE_FILES without CLONE_VM
#            and exit signals other than SIGCHLD are refused) are skipped.
#   x86_64   natively on the build machine's own kernel: real Linux for the
#            vfork, CLONE_FILES and __WCLONE checks that QEMU skips.
#
# Examples: userland/run-on-linux.sh
#           userland/run-on-linux.sh x86_64 /bin/testrunner vfork wait
#           userland/run-on-linux.sh riscv64 /tests/exec
set -euo pipefail

arch=${1:-riscv64}
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")" && pwd)
out=${TINE_LINUX_OUT:-/tmp/tine-linux-$arch}
common="-O2 -static -Wall -Wextra -Werror -Wl,-z,separate-code -I$here/include"
run=()
case $arch in
riscv64)
	cc=riscv64-linux-gnu-gcc
	flags="$common"
	run=(qemu-riscv64)
	export TINE_QEMU_USER=1
	bf=/proc/sys/fs/binfmt_misc
	if [ ! -e $bf/qemu-riscv64 ]; then
		[ -e $bf/register ] || mount -t binfmt_misc binfmt_misc $bf
		# P: keep argv[0] (qemu reads AT_FLAGS); F: open qemu now.
		printf '%s' ':qemu-riscv64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-riscv64:PF' \
			> $bf/register
	fi
	;;
x86_64)
	cc=gcc
	flags="$common"
	;;
*)
	echo "usage: $0 [riscv64|x86_64] [PROGRAM ARGS...]" >&2
	exit 2
	;;
esac

rm -rf "$out"
mkdir -p "$out/root/bin" "$out/root/tests"
build() {       # build DEST SRC
	$cc $flags "$2" -o "$out/root/$1"
}
build bin/init "$here/init/init.c"
# /bin/true, the tests' exec target (BusyBox's applet on Tine).
echo 'int main(void) { return 0; }' > "$out/true.c"
build bin/true "$out/true.c"
build bin/testrunner "$here/tests/runner.c"
build bin/forkbench "$here/bench/forkbench.c"
build bin/forktrace "$here/forktrace/forktrace.c"
# userland/meson.build's list (tests/runner.c runs them), the helpers too.
for t in fork vfork vfork44 clone_files clone_einval wait signals exec mmap badptr \
	 limits lifecycle bigfork forkloop fpregs exec_shared clone_settid random \
	 forktrace init_protect session_orphan exec_helper forktree; do
	build tests/$t "$here/tests/$t.c"
done
cp "$here/tests/notelf.txt" "$out/root/tests/notelf"
chmod 0755 "$out/root/tests/notelf"

prog=${1:-/bin/testrunner}
[ $# -gt 0 ] && shift
cd "$out/root"
TINE_ROOT="$out/root" exec "${run[@]}" "$out/root$prog" "$@"
