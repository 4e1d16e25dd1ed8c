# Shared by the scripts: where things are, and installing what is missing.
# shellcheck shell=bash
TINE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TINE_BUILD=${TINE_BUILD:-$TINE_ROOT/build}
OPENSBI_FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin

# What building, booting and testing Tine needs from Debian 12.
TINE_PACKAGES=(meson ninja-build g++ g++-riscv64-linux-gnu qemu-system-misc
  opensbi catch2 clang python3 cpio device-tree-compiler qemu-user qemu-user-binfmt u-boot-qemu
  bzip2 xz-utils)  # the last two unpack what scripts/fetch-thirdparty downloads

# ensure_packages PKG...: installs missing packages with apt-get when root,
# otherwise prints the exact command and fails.
ensure_packages() {
  local missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "tine: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  else
    echo "tine: missing packages; run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
}

# build_tine: configures (once) and builds the kernel, the Image and the
# host tests in $TINE_BUILD; not at all with TINE_NO_BUILD set (a caller
# that built already, or runs inside meson test).
build_tine() {
  [ -z "${TINE_NO_BUILD:-}" ] || return 0
  if [ ! -f "$TINE_BUILD/build.ninja" ]; then
    meson setup "$TINE_BUILD" "$TINE_ROOT" \
      --cross-file "$TINE_ROOT/meson/riscv64-cross.ini" >&2 || return 1
  fi
  ninja -C "$TINE_BUILD" >&2
}

# ensure_riscv_binfmt: lets the kernel run riscv64 binaries through
# qemu-riscv64, so that a program under qemu-user (the tests' Linux
# reference) can execve another. Debian's qemu-user-binfmt ships the rule;
# where systemd has not loaded it (containers, CI), it is loaded here.
ensure_riscv_binfmt() {
  local dir=/proc/sys/fs/binfmt_misc rule=/usr/lib/binfmt.d/qemu-riscv64.conf
  [ -e "$dir/qemu-riscv64" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "tine: riscv64 binfmt rule not loaded; run: sudo systemctl restart systemd-binfmt" >&2
    return 0
  fi
  [ -e "$dir/register" ] || mount -t binfmt_misc binfmt_misc "$dir" 2>/dev/null || true
  [ -e "$dir/register" ] && [ -f "$rule" ] && cat "$rule" >"$dir/register" 2>/dev/null || true
  [ -e "$dir/qemu-riscv64" ] || echo "tine: could not load the riscv64 binfmt rule" >&2
}
