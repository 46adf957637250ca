#!/usr/bin/env bash
# Instructions per check (and per checker build), counted by callgrind: the repeatable measure
# on a shared, noisy machine. Each input is checked 1 and 11 times after the regexes were compiled
# (`warm_up`); the difference / 10 is the steady-state cost of one check, without the one-time
# lazy-DFA cache fill of the first. The `cold/` lines count a whole process that builds a checker and
# checks the input once, compiling on the way the regexes that check needs: a freshly started
# service worker's first check (minus the build line: the check alone).
#
#   scripts/callgrind-check.sh [INPUT ...]     default: email/zh email/en email/mixed
# Needs valgrind (apt-get install valgrind). Profile one input further with
#   callgrind_annotate --inclusive=yes callgrind.out.<pid>   (see BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install valgrind" >&2; exit 1; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/callgrind}
export CARGO_PROFILE_BENCH_DEBUG=line-tables-only
BIN=$(cargo bench -p conduct-rules --bench check --no-run --message-format=json 2>/dev/null \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n")){if(!l)continue;const m=JSON.parse(l);if(m.reason==="compiler-artifact"&&m.target.name==="check"&&m.executable)console.log(m.executable)}})')
[ -x "$BIN" ] || { echo "could not build the bench binary" >&2; exit 1; }
count() { # input iterations toggle → instructions
  CONDUCT_BENCH_PROFILE=$1 CONDUCT_BENCH_ITERS=$2 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    ${3:+--toggle-collect=$3} "$BIN" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '%-18s %16s %16s\n' input "first (warm)" "steady check"
for input in "${@:-email/zh email/en email/mixed}"; do
  for i in $input; do
    one=$(count "$i" 1 'conduct_rules::checker::Checker::check_with')
    eleven=$(count "$i" 11 'conduct_rules::checker::Checker::check_with')
    printf '%-18s %16s %16s\n' "$i" "$one" "$(( (eleven - one) / 10 ))"
  done
done
build=$(count build/default 1)
printf '%-18s %16s   (whole process: parse packs, build automaton)\n' build/default "$build"
all=$(count warm_up/default 1)
printf '%-18s %16s   (whole process: build + compile every regex, %s of it compiling)\n' warm_up/default "$all" "$(( all - build ))"
# A freshly started worker: build, then one check that compiles the regexes it needs on the way.
for i in email/zh email/en email/mixed; do
  cold=$(count "cold/$i" 1)
  printf '%-18s %16s   (whole process: build + first check, %s of it the check)\n' "cold/$i" "$cold" "$(( cold - build ))"
done
