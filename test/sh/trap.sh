# trap and kill: handlers for signals sent to the shell itself, EXIT,
# resetting, ignoring, kill's statuses.
trap 'echo got USR1' USR1
kill -USR1 $$
echo after USR1
trap 'echo got USR2; n=$((n + 1))' USR2
n=0
kill -USR2 $$; kill -USR2 $$; kill -s USR2 $$
echo "USR2 handled $n times"
trap - USR1
trap
trap '' HUP
kill -HUP $$
echo "HUP ignored"
trap 'echo TERM trapped' TERM
kill $$
echo "after TERM"
kill -0 $$ && echo "kill -0 self: ok"
sleep 10 & s=$!
kill -0 $s && echo "kill -0 job: ok"
kill $s; wait $s 2>&-
(exec 2>&-; kill -0 $s) || echo "kill -0 after reap: fails"
# $$ is the parent shell's in a subshell: sh -c signals its parent, the subshell
(trap 'echo subshell got USR1; exit 5' USR1; sh -c 'kill -USR1 $PPID'; exit 0); echo "subshell: $?"
# USR1's trap is gone: the job dies of it even before it has exec'd sleep
sleep 10 & s=$!
kill -USR1 $s; wait $s 2>&-; echo "default USR1 in job: $?"
kill -l 15
kill -l 143
trap 'echo exit trap runs, status $?' EXIT
echo done
exit 4
