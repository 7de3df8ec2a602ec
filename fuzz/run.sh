#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 10) with libFuzzer, after
# seeding each corpus from the golden and invalid JSON fixtures.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# A crash stops the run with its input in fuzz/artifacts/TARGET/; minimise
# it (`cargo +nightly fuzz tmin TARGET FILE`) and keep it as a regular test.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-10}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(decode case_commands histories escalation calendar)
fi
data=../tests/data

# A seed is the selector byte, then a fixture's JSON.
seed() { # corpus selector file
    local out="corpus/$1/seed-$2-$(basename "$3")"
    { printf "\\x$(printf %02x "$2")"; cat "$3"; } > "$out"
}
mkdir -p corpus/{decode,case_commands,histories,escalation,calendar}
declare -A pick=(
    [calendar.json]=0 [overlay.json]=1 [arrangement.json]=2 [calendar_change.json]=4
    [approval_item.json]=7 [catalog.json]=8 [role_policy.json]=9 [graph.json]=12
    [escalation_policy.json]=13 [ticket_deadlines.json]=14 [case_history.json]=15
    [graph_history.json]=16 [ticket_history.json]=17 [legal_clock.json]=19 [case.json]=20
    [graph_run.json]=21 [ticket.json]=22 [supervision_log.json]=23 [key_project.json]=24
    [clock_reading.json]=25 [case_outcome.json]=26 [graph_plan.json]=27
    [graph_snapshot.json]=28 [graph_record.json]=29 [escalation_observation.json]=30
    [escalation_notices.json]=31 [battle_map.json]=32 [report_partial.json]=33
    [report_summary.json]=34
)
for name in "${!pick[@]}"; do
    [ -f "$data/golden/$name" ] && seed decode "${pick[$name]}" "$data/golden/$name"
done
# Invalid fixtures, tried as every type whose name they start with.
if [ -d "$data/invalid" ]; then
    for file in "$data"/invalid/*.json; do
        for name in "${!pick[@]}"; do
            stem="${name%.json}"
            case "$(basename "$file")" in "$stem"*) seed decode "${pick[$name]}" "$file" ;; esac
        done
    done
fi
seed histories 0 "$data/golden/ticket_history.json"
seed histories 1 "$data/golden/graph_history.json"
{ printf '\x00\x00\x10\x00'; cat "$data/golden/escalation_observation.json"; } \
    > corpus/escalation/seed-observation
head -c 64 /dev/zero > corpus/case_commands/seed-zero
printf 'AAAABBBBCCCC\x01\x01\x01\x01' > corpus/calendar/seed-plain

for target in "${targets[@]}"; do
    echo "== $target for ${seconds}s"
    cargo +nightly fuzz run "$target" "corpus/$target" -- \
        -dict=json.dict -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 \
        2>&1 | grep -E "stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|panicked|ERROR" || true
    if [ -n "$(ls -A "artifacts/$target" 2>/dev/null)" ]; then
        echo "!! $target crashed: see fuzz/artifacts/$target" >&2
        exit 1
    fi
done
