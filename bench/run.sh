#!/usr/bin/env bash
# bench/run.sh: time `ci-doctor diagnose` against `grep -E -f` and `rg -f`
# with the same patterns, and check the performance targets of the README's
# Performance section. It prints a Markdown table on standard output and its
# progress on standard error:
#
#   bench/run.sh > bench.md
#
# What it does, in one run so that the ratios compare like with like:
#   1. builds ci-doctor as the releases are built (scripts/release.sh, the
#      Dockerfile: CGO_ENABLED=0, -trimpath, -ldflags "-s -w": a static
#      binary, which starts without the dynamic loader and libc), and the
#      generators (bench/cmd/genlog, bench/cmd/gensigs);
#   2. writes runner 18.7 (timestamped) logs of 1 MiB, 4 MiB and 100 MiB with
#      one failure near the end, and the database's patterns translated for
#      grep and ripgrep (`ci-doctor signatures patterns`);
#   3. runs ci-doctor (log on standard input), grep -c -E -f and
#      rg -c --no-unicode -f, alternating, ROUNDS times over each log, and
#      reports median wall times, the ratios and each tool's peak RSS
#      (/usr/bin/time -v); the 4 MiB figure is the whole command: process
#      start, loading the database, diagnosis and output;
#   4. measures ci-doctor's peak RSS on a 1 MiB and a 1 GiB log (the 1 GiB
#      log is generated into a pipe, never written to disk);
#   5. times ci-doctor with a database ten times as large (the built-in
#      signatures and ten variants of each, bench/siggen) against the
#      built-in one, alternating, on the 100 MiB, 4 MiB and an empty log.
#      The large database is built in, as the project's own database would
#      be as it grows: signatures/internal/gentable compiles it into a
#      table that replaces signatures/builtin_table.go through go build
#      -overlay (the tree is not touched). The same 190 variants loaded
#      from YAML with --signatures DIR, as a user's own folder is, are timed
#      too: that adds the cost of parsing their YAML;
#   6. times the 4 MiB diagnosis with the job's .gitlab-ci.yml
#      (genlog -ci-config), which adds reading it and finding the lines to
#      change, as in after_script;
#   7. times the start-up of commands that need little: --help,
#      `signatures list`, and diagnose on an empty log.
#
# It installs nothing. GNU grep and GNU time (/usr/bin/time) are needed;
# ripgrep is optional (Debian: apt-get install ripgrep) and skipped with a
# message when absent. Timings on a shared machine are noisy: the script
# prints the load average, and the medians of alternating rounds resist
# noise better than single runs.
#
# Environment:
#   ROUNDS=7            rounds per measurement (odd, for a true median)
#   BENCH_DIR=DIR       where the binaries, logs and patterns go (default: a
#                       new folder under /tmp, removed at the end unless
#                       KEEP=1)
#   SKIP_1GIB=1         skip the 1 GiB memory run (it takes a while)
set -euo pipefail

cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-7}
KEEP=${KEEP:-}
if [ -n "${BENCH_DIR:-}" ]; then
  work=$BENCH_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d /tmp/ci-doctor-bench.XXXXXX)
  [ -n "$KEEP" ] || trap 'rm -rf "$work"' EXIT
fi

say() { echo "bench: $*" >&2; }

# Tools.
command -v grep >/dev/null && grep --version 2>/dev/null | grep -q GNU ||
  { say "GNU grep is needed"; exit 1; }
[ -x /usr/bin/time ] || { say "GNU time (/usr/bin/time) is needed: apt-get install time"; exit 1; }
have_rg=
if command -v rg >/dev/null; then
  have_rg=1
else
  say "ripgrep (rg) is not installed: its column is skipped (Debian: apt-get install ripgrep)"
fi

# Space: the 100 MiB log and its companions are written to $work.
avail_kb=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
if [ "$avail_kb" -lt $((200 * 1024)) ]; then
  say "less than 200 MiB free in $work"; exit 1
fi

say "building into $work"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/ci-doctor" ./cmd/ci-doctor
go build -o "$work/genlog" ./bench/cmd/genlog
go build -o "$work/gensigs" ./bench/cmd/gensigs
# The database ten times as large, built in.
rm -rf "$work/sigs10" "$work/db10"
"$work/gensigs" -variants 10 -o "$work/sigs10" 2>/dev/null
mkdir -p "$work/db10"
cp signatures/builtin/*.yaml "$work/sigs10"/*.yaml "$work/db10/"
(cd signatures && go run ./internal/gentable "$work/db10" "$work/builtin_table_10x.go")
printf '{"Replace":{"%s":"%s"}}\n' "$PWD/signatures/builtin_table.go" "$work/builtin_table_10x.go" > "$work/overlay.json"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -overlay "$work/overlay.json" -o "$work/ci-doctor-10x" ./cmd/ci-doctor
cd "$work"

say "generating logs, patterns and the synthetic database"
./genlog -size 1MiB -o 1m.log
./genlog -size 4MiB -o 4m.log -ci-config gitlab-ci.yml
./genlog -size 100MiB -o 100m.log
: > empty.log
./ci-doctor signatures patterns > patterns.ere
nsigs=$(./ci-doctor signatures list | tail -n +2 | wc -l)
nsigs10=$(./ci-doctor-10x signatures list | tail -n +2 | wc -l)
[ "$nsigs10" -eq "$(./ci-doctor --signatures sigs10 signatures list | tail -n +2 | wc -l)" ] ||
  { say "the built-in and the folder 10x databases differ"; exit 1; }
npatterns=$(wc -l < patterns.ere)

# The commands under test, each reading the log on standard input; exit
# status 1 is grep's "no line selected", not an error.
cmd_cidoctor=(./ci-doctor diagnose)
cmd_cidoctor10=(./ci-doctor-10x diagnose)
cmd_folder10=(./ci-doctor --signatures sigs10 diagnose)
cmd_config=(./ci-doctor diagnose --ci-config gitlab-ci.yml)
cmd_grep=(grep -c -E -f patterns.ere)
cmd_rg=(rg -c --no-unicode --no-config -f patterns.ere)
cmd_help=(./ci-doctor --help)
cmd_list=(./ci-doctor signatures list)
cmd_true=(/bin/true)

# run NAME LOG runs command NAME with LOG on standard input.
run() {
  local -n cmd=cmd_$1
  "${cmd[@]}" < "$2" > /dev/null || [ $? -eq 1 ]
}

# The findings must be the same whichever tool runs: all three find the
# failure of the 100 MiB log.
./ci-doctor diagnose --format line < 100m.log | grep -q 'root cause: .*\[docker-daemon-unreachable\]' ||
  { say "ci-doctor did not find the failure"; exit 1; }
[ "$(grep -c -E -f patterns.ere < 100m.log)" -ge 1 ] || { say "grep found nothing"; exit 1; }

# time_us NAME LOG runs command NAME once and prints its wall time in µs.
# The clock is read from $EPOCHREALTIME in this shell: reading it through a
# command substitution would fork a subshell inside the timed span, which
# costs more than starting a small program.
time_us() {
  local start=$EPOCHREALTIME end
  run "$1" "$2"
  end=$EPOCHREALTIME
  echo $((${end/./} - ${start/./}))
}

# median prints the median of its arguments.
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# max_rss prints the peak RSS in KiB that /usr/bin/time -v wrote to rss.txt.
max_rss() { awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' rss.txt; }

# rss_kb NAME LOG prints the peak RSS in KiB of command NAME reading LOG.
rss_kb() {
  local -n cmd=cmd_$1
  /usr/bin/time -v "${cmd[@]}" < "$2" 2> rss.txt > /dev/null || [ $? -eq 1 ]
  max_rss
}

# race LOG NAME... times the named commands over LOG, alternating, ROUNDS
# times (the order rotates each round), and sets median_<NAME> in µs.
race() {
  local log=$1; shift
  local names=("$@") r i n
  declare -A samples=()
  for ((r = 0; r < ROUNDS; r++)); do
    for ((i = 0; i < ${#names[@]}; i++)); do
      n=${names[(i + r) % ${#names[@]}]}
      samples[$n]+=" $(time_us "$n" "$log")"
    done
  done
  for n in "${names[@]}"; do
    # shellcheck disable=SC2086
    printf -v "median_$n" '%s' "$(median ${samples[$n]})"
  done
}

# Formatting.
ms() { awk -v us="$1" 'BEGIN { if (us >= 1000000) printf "%.2f s", us / 1e6; else printf "%.1f ms", us / 1e3 }'; }
mib() { awk -v kb="$1" 'BEGIN { printf "%.1f MiB", kb / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
verdict() { if le "$1" "$2"; then echo "met"; else echo "**not met**"; fi; }

tools=(cidoctor grep)
[ -n "$have_rg" ] && tools+=(rg)

load=$(cut -d' ' -f1-3 /proc/loadavg)
say "load average before timing: $load"

declare -A med rss
for log in 4m.log 100m.log; do
  say "timing ${tools[*]} over $log, $ROUNDS rounds"
  race "$log" "${tools[@]}"
  for t in "${tools[@]}"; do
    v=median_$t
    med[$t,$log]=${!v}
    rss[$t,$log]=$(rss_kb "$t" "$log")
  done
done

say "peak RSS on 1 MiB and 1 GiB logs"
rss_1m=$(rss_kb cidoctor 1m.log)
if [ -z "${SKIP_1GIB:-}" ]; then
  ./genlog -size 1GiB | /usr/bin/time -v ./ci-doctor diagnose 2> rss.txt > /dev/null
  rss_1g=$(max_rss)
else
  rss_1g=
fi

say "timing $nsigs10 signatures against $nsigs, $ROUNDS rounds"
race 100m.log cidoctor cidoctor10 folder10
sig_builtin=$median_cidoctor sig_10x=$median_cidoctor10 sig_folder=$median_folder10
race 4m.log cidoctor cidoctor10 folder10
sig_builtin4=$median_cidoctor sig_10x4=$median_cidoctor10 sig_folder4=$median_folder10
race empty.log cidoctor cidoctor10 folder10
sig_builtin0=$median_cidoctor sig_10x0=$median_cidoctor10 sig_folder0=$median_folder10

say "timing the diagnosis with the job's .gitlab-ci.yml, $ROUNDS rounds"
race 4m.log cidoctor config
cfg_without=$median_cidoctor cfg_with=$median_config

say "timing start-up"
race empty.log true help list cidoctor
su_true=$median_true su_help=$median_help su_list=$median_list su_empty=$median_cidoctor

# The report.
rg_cell() { if [ -n "$have_rg" ]; then echo "$1"; else echo "(no rg)"; fi; }
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
cat <<EOF
- Machine: $(nproc) CPUs ($cpu), $(uname -sr), load average before timing $load.
- Tools: $(go version | cut -d' ' -f3), $(grep --version | head -1)$( [ -n "$have_rg" ] && echo ", $(rg --version | sed -n 1p)"), locale ${LC_ALL:-${LANG:-POSIX}}.
- Database: $nsigs signatures, $npatterns distinct patterns. Logs: \`bench/cmd/genlog\`, runner 18.7 format.
- Medians of $ROUNDS alternating rounds; commands: \`ci-doctor diagnose < LOG\`, \`grep -c -E -f patterns.ere < LOG\`, \`rg -c --no-unicode -f patterns.ere < LOG\`.

| log (stdin) | ci-doctor | grep -E -f | rg -f | ci-doctor / grep | ci-doctor / rg | peak RSS ci-doctor / grep / rg |
|---|---:|---:|---:|---:|---:|---|
EOF
for log in 4m.log 100m.log; do
  c=${med[cidoctor,$log]} g=${med[grep,$log]}
  if [ -n "$have_rg" ]; then r=${med[rg,$log]}; rr=$(ratio "$c" "$r"); rt=$(ms "$r"); rm=$(mib "${rss[rg,$log]}")
  else rr="(no rg)"; rt="(no rg)"; rm="(no rg)"; fi
  echo "| ${log%.log} | $(ms "$c") | $(ms "$g") | $rt | $(ratio "$c" "$g") | $rr | $(mib "${rss[cidoctor,$log]}") / $(mib "${rss[grep,$log]}") / $rm |" | sed 's/| 4m /| 4 MiB /; s/| 100m /| 100 MiB /'
done

c100=${med[cidoctor,100m.log]} g100=${med[grep,100m.log]} c4=${med[cidoctor,4m.log]}
max_rss=${rss[cidoctor,100m.log]}
for v in "${rss[cidoctor,4m.log]}" "$rss_1m" "$rss_1g"; do [ -n "$v" ] && [ "$v" -gt "$max_rss" ] && max_rss=$v; done
cat <<EOF

| target | measured | |
|---|---|---|
| 100 MiB from stdin: ci-doctor / grep <= 1.0 (aim: ripgrep) | $(ratio "$c100" "$g100") ($(ms "$c100") vs $(ms "$g100"); rg: $(rg_cell "$( [ -n "$have_rg" ] && ms "${med[rg,100m.log]}")")) | $(verdict "$c100" "$g100") |
| peak RSS <= 64 MiB whatever the log: 1 MiB / 4 MiB / 100 MiB / 1 GiB | $(mib "$rss_1m") / $(mib "${rss[cidoctor,4m.log]}") / $(mib "${rss[cidoctor,100m.log]}") / $( [ -n "$rss_1g" ] && mib "$rss_1g" || echo skipped) | $(verdict "$max_rss" 65536) |
| 4 MiB, whole command: median <= 30 ms | $(ms "$c4") | $(verdict "$c4" 30000) |
| $nsigs10 built-in signatures vs $nsigs, 100 MiB whole command: <= 1.5x | $(ratio "$sig_10x" "$sig_builtin")x ($(ms "$sig_10x") vs $(ms "$sig_builtin")) | $(verdict "$(ratio "$sig_10x" "$sig_builtin")" 1.5) |
| $nsigs10 built-in signatures vs $nsigs, 4 MiB whole command: <= 1.5x | $(ratio "$sig_10x4" "$sig_builtin4")x ($(ms "$sig_10x4") vs $(ms "$sig_builtin4")) | $(verdict "$(ratio "$sig_10x4" "$sig_builtin4")" 1.5) |
| $nsigs10 built-in signatures vs $nsigs, diagnosis alone: 100 MiB minus an empty log | $(ratio $((sig_10x - sig_10x0)) $((sig_builtin - sig_builtin0)))x ($(ms $((sig_10x - sig_10x0))) vs $(ms $((sig_builtin - sig_builtin0)))) | $(verdict "$(ratio $((sig_10x - sig_10x0)) $((sig_builtin - sig_builtin0)))" 1.5) |
| $nsigs10 built-in signatures vs $nsigs, empty log (start-up and loading) | $(ratio "$sig_10x0" "$sig_builtin0")x ($(ms "$sig_10x0") vs $(ms "$sig_builtin0")) | |
| $((nsigs10 - nsigs)) of them from a YAML folder (\`--signatures DIR\`): empty / 4 MiB / 100 MiB | $(ms "$sig_folder0") / $(ms "$sig_folder4") / $(ms "$sig_folder"): $(ratio "$sig_folder" "$sig_builtin")x on 100 MiB; parsing their YAML adds $(ms $((sig_folder0 - sig_builtin0))) | |
| 4 MiB with the job's \`.gitlab-ci.yml\` (\`--ci-config\`, as in after_script: the job and the lines to change are found too) | $(ms "$cfg_with") (without, in the same rounds: $(ms "$cfg_without")) | |
| start-up: \`--help\` / \`signatures list\` / \`diagnose\` of an empty log (starting \`/bin/true\` takes $(ms "$su_true")) | $(ms "$su_help") / $(ms "$su_list") / $(ms "$su_empty") | |
EOF
