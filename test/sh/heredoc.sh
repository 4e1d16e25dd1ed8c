# Here-documents: expansion, quoting, tab stripping, large ones, in loops,
# functions and pipelines.
name=world
cat <<EOT
hello $name
sum $((2 + 3))
cmd $(echo sub)
EOT
cat <<'EOT'
not expanded: $name $(echo no)
EOT
cat <<-EOT
	tabs stripped
		all leading tabs
	EOT
f() {
	cat <<EOT
in a function: $1
EOT
}
f arg
for i in 1 2; do
	cat <<EOT
loop $i
EOT
done
cat <<EOT | tr a-z A-Z
piped here-doc
EOT
# bigger than a pipe's buffer: the shell writes it from a child
big=$(seq 1 20000 | tr '\n' ' ')
cat <<EOT | wc -c
$big
EOT
read a b <<EOT
first second
EOT
echo "read: $a/$b"
while read x; do echo "got $x"; done <<EOT
1
2
3
EOT
echo done
