# Redirections between descriptors (no files: see redirect_files.sh;
# no /dev/null either until devfs).
echo to-stderr >&2
{ echo one; echo two >&2; } 2>&1 | sort
exec 3>&1
echo via-fd3 >&3
exec 3>&-
( exec 2>&-; echo closed-fd3 >&3 ) || echo "fd 3 is closed"
exec 4<&0
exec 4<&-
echo "dup of stdout" 1>&2 2>&1
# stdout and stderr swapped: only stderr goes through the pipe
{ echo inner-out; echo inner-err 1>&2; } 3>&1 1>&2 2>&3 | sed "s/^/piped: /"
cat <<EOT 1>&2
here-doc to stderr
EOT
exec 5>&2
echo five >&5
exec 5>&-
echo done
