#!/usr/bin/env bash
# make bench: start-up time, memory and throughput of dist/users-server.js on
# 127.0.0.1, measured with ghz (pinned in the Makefile). Bounded: each load
# run sends at most BENCH_REQUESTS calls (default 20000) at BENCH_CONCURRENCY
# (50), and is stopped after 120 s whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_BIN=${TOOLS_BIN:-$PWD/.tools/bin}
REQUESTS=${BENCH_REQUESTS:-20000}
CREATES=${BENCH_CREATES:-1000}
CONCURRENCY=${BENCH_CONCURRENCY:-50}
# Unset: the in-memory store. E.g. pglite:/tmp/users-bench or postgres://… (an empty database).
DATABASE_URL_ARG=${BENCH_DATABASE_URL:+--database-url=$BENCH_DATABASE_URL}
mkdir -p bench/results

# NODE_EXTRA_CA_CERTS makes every node start slower on some machines: not ours to measure.
unset NODE_EXTRA_CA_CERTS

echo "== page cost: the same page with 1,000, 100,000 and ${BENCH_PAGE_USERS:-1000000} users in the in-memory store (bench/page-cost.ts)"
esbuild --bundle --platform=node --log-level=warning bench/page-cost.ts --outfile=dist/bench-page-cost.js
node --max-old-space-size=4096 dist/bench-page-cost.js

echo "== start-up (spawn to listening, 10 runs) and idle memory"
node bench/startup.js 10

echo "== memory: 20 parallel 4 MiB name queries, all refused (the crash test's attack), 3 rounds"
node bench/large-requests-memory.js 3

echo "== memory: 1,000 open health Watch streams (the --max-streaming-calls default), then all torn down at once"
node bench/health-watches.js 1000

echo "== memory: 1,000 idle connections (the --max-connections default), then 100 more, closed as they arrive"
node bench/idle-connections.js 1000

echo "== memory: requests that never finish arriving, 100 on each of 80 connections (--max-arriving-requests)"
node bench/arriving-requests.js 80

echo "== memory: List calls whose answers are never read: 100 on one connection, bounded then not; 4 on each of 40 connections (--max-buffered-answer-bytes, --max-total-buffered-answer-bytes)"
node bench/unread-answers.js 1 100
node bench/unread-answers.js 1 100 --max-buffered-answer-bytes=1024MiB --max-total-buffered-answer-bytes=1024MiB
node bench/unread-answers.js 40 4

# users-cli --version, get and list beside `node -e 0`, interleaved (target: get <= 2.5x).
node bench/cli-startup.js "${BENCH_CLI_ROUNDS:-20}"

log=$(mktemp)
dist/users-server.js --address=127.0.0.1:0 --metrics-address= --log-level=warn --logfmt=json ${DATABASE_URL_ARG:+"$DATABASE_URL_ARG"} >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
# The start-up line is logged at info, hidden at warn: ask the kernel for the port instead.
port=""
# PGlite's WASM start takes seconds: wait up to 60 s.
for _ in $(seq 1 600); do
  port=$(ss -Hltnp 2>/dev/null | awk -v pid="pid=$server," '$0 ~ pid {split($4, a, ":"); print a[length(a)]; exit}')
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not start"; cat "$log"; exit 1; }
addr=127.0.0.1:$port

# Throughput on a shared machine is read as a ratio: each run beside the same
# server's health Check (no storage, no domain: gRPC and our middleware only),
# measured in this run, before the others.
reference_rps=""
load() {
  local name=$1 call=$2 data=$3 requests=${4:-$REQUESTS}
  timeout 120 "$TOOLS_BIN/ghz" --insecure --call "$call" -d "$data" -n "$requests" -c "$CONCURRENCY" \
    --format json --output "bench/results/$name.json" "$addr" >/dev/null
  node -e '
    const r = require(process.argv[1]);
    const ms = (ns) => (ns / 1e6).toFixed(2);
    const p = (q) => r.latencyDistribution.find((d) => d.percentage === q).latency;
    const codes = Object.entries(r.statusCodeDistribution).map(([k, v]) => k + "=" + v).join(" ");
    const ratio = process.argv[3] ? `${(r.rps / Number(process.argv[3])).toFixed(2)}x Check` : "reference";
    console.log(`${process.argv[2].padEnd(15)} ${r.rps.toFixed(0).padStart(6)} req/s  ${ratio.padStart(11)}  p50 ${ms(p(50))} ms  p99 ${ms(p(99))} ms  ${codes}`);
  ' "$PWD/bench/results/$name.json" "$name" "$reference_rps"
}

echo "== throughput: $REQUESTS calls, $CONCURRENCY concurrent, 32 sample users (ghz), storage: ${BENCH_DATABASE_URL:-memory}"
# A first, unprinted run warms the server up (JIT, HTTP/2 connections), so the reference is not a cold start.
load HealthCheck grpc.health.v1.Health/Check '{"service":"user.UserService"}' >/dev/null
load HealthCheck grpc.health.v1.Health/Check '{"service":"user.UserService"}'
reference_rps=$(node -e 'console.log(require(process.argv[1]).rps)' "$PWD/bench/results/HealthCheck.json")
load GetByEmail user.UserService/GetByEmail '{"email":"mael.valadier@example.com"}'
load SearchName user.UserService/SearchName '{"query":"an"}'
load SearchAge user.UserService/SearchAge '{"ageRange":{"from":20,"toIncluded":40}}'
load List user.UserService/List '{}'
load Create user.UserService/Create '{"user":{"email":"load-{{.RequestNumber}}@example.com","age":30,"name":{"first":"Load","last":"Test"}}}' "$CREATES"
echo "== with $CREATES more users ($((CREATES + 32)) in all); a List answer is then ~80 kB, so a tenth of the calls"
load List-large user.UserService/List '{}' $((REQUESTS / 10))
load SearchAge-large user.UserService/SearchAge '{"ageRange":{"from":20,"toIncluded":40}}' $((REQUESTS / 10))
# The reference again: how far the machine's load moved during the runs.
load HealthCheck-end grpc.health.v1.Health/Check '{"service":"user.UserService"}'
echo "== server memory after load: $(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$server/status) RSS"
