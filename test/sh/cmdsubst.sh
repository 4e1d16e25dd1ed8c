# Command substitution: $(...), backquotes, nesting, splitting, status.
echo "$(echo hello)"
echo "nested $(echo $(echo $(echo deep)))"
echo "backquotes `echo old style`"
set -- $(seq 3)
echo "$# words: $*"
v=$(printf 'a\n\n\n')
echo "trailing newlines gone: [$v]"
v=$(false); echo "status of \$(false): $?"
v=$(exit 9); echo "status of \$(exit 9): $?"
echo "lines: $(seq 1 5000 | wc -l)"
echo "arith on output: $(( $(echo 6) * $(echo 7) ))"
n=0; for w in $(echo a b c d); do n=$((n + 1)); done; echo "loop over 4: $n"
echo "$(echo "quoted   spaces")"
echo "in here-doc: $(cat <<EOT
inside
EOT
)"
echo done
