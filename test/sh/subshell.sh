# Subshells: their own variables, directory, traps and exit status.
x=outer
(x=inner; echo "in: $x")
echo "out: $x"
(cd /; pwd)
(exit 3); echo "status $?"
( (exit 4) ); echo "nested status $?"
(echo a; (echo b; (echo c)))
y=$( (echo deep) )
echo "$y"
(trap 'echo subshell exit trap' EXIT; echo in-sub)
(set -e; false; echo not reached); echo "set -e status $?"
{ echo group; }; echo "group status $?"
a=1; (a=2; echo $a); echo $a
echo done
