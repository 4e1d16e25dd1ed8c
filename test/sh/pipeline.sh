# Pipelines: data through several processes, exit statuses, ! and long ones.
seq 1 1000 | sort -rn | head -1
echo a b c | tr ' ' '\n' | wc -l
seq 1 20000 | cat | cat | cat | wc -c
seq 1 5 | sed 's/^/line /' | tail -2
false | true; echo "status of false|true: $?"
true | false; echo "status of true|false: $?"
! false; echo "status of ! false: $?"
! true; echo "status of ! true: $?"
printf 'b\na\nc\n' | sort | tr '\n' ' '; echo
# a reader that stops early: the writer gets SIGPIPE, the pipeline ends
seq 1 100000 | head -3
# a pipeline in a loop
for i in 1 2 3; do echo "x$i" | tr x y; done
# a function in a pipeline
up() { tr a-z A-Z; }
echo shout | up
echo done
