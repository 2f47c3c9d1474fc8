#!/usr/bin/env bash
# Runs the benchmarks and prints every figure beside its goal, so a drift shows. Medians come
# from criterion's own estimates; the client overhead is the difference of two medians
# measured in the same run; the bulk pacing run prints its own line.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo bench -p aelyst-core --bench client_overhead --bench outbox_journal -- --noplot "$@"
pacing=$(cargo bench -p aelyst-core --bench bulk_pacing 2>/dev/null | grep '^bulk_pacing:')
refresh=$(cargo bench -p aelyst-core --bench my_conversations_refresh 2>/dev/null | grep '^my_conversations_refresh:')

PACING="$pacing" REFRESH="$refresh" python3 - <<'PY'
import json, os, re
root = os.environ.get("CARGO_TARGET_DIR", "target") + "/criterion"
def median_ms(group, name):
    with open(f"{root}/{group}/{name}/new/estimates.json") as f:
        return json.load(f)["median"]["point_estimate"] / 1e6
client = median_ms("status_call", "aelyst_client")
raw = median_ms("status_call", "raw_reqwest")
append = median_ms("outbox", "append_one_to_10k_and_fsync")
load = median_ms("outbox", "load_10k_entries")
pacing = os.environ["PACING"]
seconds, allowed = map(float, re.search(r": ([\d.]+) s \(the limit allows ([\d.]+) s", pacing).groups())
too_many = int(re.search(r"429 answers: (\d+)", pacing).group(1))
idle, busy = map(int, re.search(r"idle 10 min: (\d+) requests; .*: (\d+) requests", os.environ["REFRESH"]).groups())
print()
print("| what | median | goal | ratio to goal |")
print("| --- | --- | --- | --- |")
print(f"| status call through the client | {client:.3f} ms | | |")
print(f"| raw reqwest POST, same bytes | {raw:.3f} ms | | |")
print(f"| client overhead (difference) | {client - raw:.3f} ms | ≤ 2 ms | {(client - raw) / 2:.2f} |")
print(f"| append one action to a 10,000-entry history, fsync'd | {append:.3f} ms | ≤ 5 ms | {append / 5:.2f} |")
print(f"| load a 10,000-entry history | {load:.3f} ms | ≤ 50 ms | {load / 50:.2f} |")
print(f"| 200 closes at a 20/s workspace limit | {seconds:.2f} s | ≤ 1.1 × {allowed:.0f} s | {seconds / (1.1 * allowed):.2f} |")
print(f"| 429 answers in that run | {too_many} | ≤ 4 (the first burst) | {too_many / 4:.2f} |")
print(f"| My conversations: requests in a 10-minute idle window | {idle} | ≤ 5 | {idle / 5:.2f} |")
print(f"| … brought to the front every 5 s for 10 minutes | {busy} | (bounded: one per 30 s) | |")
PY
