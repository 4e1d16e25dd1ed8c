# Background jobs and wait: statuses, several jobs, $!, wait without
# arguments, a job killed.
sleep 0.1 & p=$!
wait $p; echo "sleep job: $?"
(exit 7) & wait $!; echo "exit 7 job: $?"
(sleep 0.2; exit 2) & a=$!
(sleep 0.1; exit 3) & b=$!
wait $a; echo "a: $?"
wait $b; echo "b: $?"
for i in 1 2 3 4 5; do (sleep 0.1; exit $i) & done
wait; echo "wait for all: $?"
# (wait's stderr closed: whether ash reports "Terminated" depends on when
# it reaps the job, here and on Linux)
sleep 10 & s=$!
kill $s; wait $s 2>&-; echo "killed with TERM: $?"
sleep 10 & s=$!
kill -KILL $s; wait $s 2>&-; echo "killed with KILL: $?"
# (no SIGINT: a background job of a shell without job control ignores it,
# from the moment the child sets that up: a race with kill)
{ echo in-bg-group; } & wait
( echo "bg pipeline" | tr a-z A-Z ) & wait
wait; echo "nothing to wait for: $?"
echo done
