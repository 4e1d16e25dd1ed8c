# Redirections to and from files: needs a writable /tmp (tmpfs) and
# /dev/null (devfs). Listed in sh-tests.txt once they are there.
d=/tmp/sh-redirect.$$
mkdir $d
echo hi > $d/f; cat $d/f
echo more >> $d/f; cat $d/f
wc -l < $d/f
: > $d/f; wc -c < $d/f
{ echo a; echo b; } > $d/g; cat $d/g
echo err 2> $d/e >&2; cat $d/e
echo both > $d/h 2>&1; cat $d/h
exec 3> $d/three; echo via3 >&3; exec 3>&-; cat $d/three
exec 4< $d/g; read first <&4; read second <&4; exec 4<&-; echo "$first $second"
echo gone > /dev/null; echo "dev/null swallowed it"
cat /dev/null | wc -c
set -C; (echo clobber > $d/f) 2>/dev/null || echo "noclobber refused"; set +C
echo x >| $d/f; cat $d/f
(cat < $d/missing) 2>/dev/null || echo "missing file: $?"
cat <<EOT > $d/hd
here-doc to a file
EOT
cat $d/hd
rm -r $d
echo done
