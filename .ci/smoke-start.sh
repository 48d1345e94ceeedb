#!/usr/bin/env bash
# The newcomer's `npm start`, as the README runs it right after `npm install`: wait for the ready
# line, check the relayer's health and the web app's page, then Ctrl-C (SIGINT to the whole
# foreground process group, as a terminal sends it) and check that everything stopped.
# Fails (exit 1) with the start's output if any step does not hold.
set -uo pipefail
cd "$(dirname "$0")/.."

READY_LINE="ZoneDAO is running"
RELAYER="http://127.0.0.1:8787"
WEB="http://127.0.0.1:8080"
TIMEOUT_S=${ZONEDAO_SMOKE_TIMEOUT_S:-300}
LOG=$(mktemp)

fail() {
  echo "----- npm start's output -----" >&2
  cat "$LOG" >&2
  echo "----- end of npm start's output -----" >&2
  echo "smoke of npm start FAILED: $1" >&2
  [ -n "${GROUP:-}" ] && kill -KILL -- "-$GROUP" 2>/dev/null
  exit 1
}

# A process group of its own, so that the SIGINT below reaches npm, the shell and node together.
setsid npm start >"$LOG" 2>&1 &
GROUP=$!

echo "smoke: npm start (pid $GROUP), waiting up to ${TIMEOUT_S} s for \"$READY_LINE\""
for ((waited = 0; ; waited++)); do
  grep -q "$READY_LINE" "$LOG" && break
  kill -0 "$GROUP" 2>/dev/null || fail "npm start exited before \"$READY_LINE\""
  [ "$waited" -ge "$TIMEOUT_S" ] && fail "no \"$READY_LINE\" after ${TIMEOUT_S} s"
  sleep 1
done
echo "smoke: ready after ${waited} s"

health=$(curl -fsS --max-time 10 "$RELAYER/v1/health") || fail "GET $RELAYER/v1/health did not answer 200"
grep -q '"status":"ok"' <<<"$health" || fail "relayer health is not ok: $health"
echo "smoke: relayer health ok"
page=$(curl -fsS --max-time 10 "$WEB/") || fail "GET $WEB/ did not answer 200"
grep -q '<div id="root">' <<<"$page" || fail "$WEB/ is not the web app's page"
curl -fsS --max-time 10 "$WEB/config.json" | grep -q '"relayers"' || fail "$WEB/config.json has no relayers"
echo "smoke: web app and its config served"

kill -INT -- "-$GROUP"
for ((waited = 0; waited < 60; waited++)); do
  kill -0 "$GROUP" 2>/dev/null || break
  sleep 1
done
kill -0 "$GROUP" 2>/dev/null && fail "still running 60 s after Ctrl-C"
wait "$GROUP"
code=$?
# npm itself answers a Ctrl-C with 130 whatever its script did; the script's own code is 0.
[ "$code" -eq 0 ] || [ "$code" -eq 130 ] || fail "npm start exited with $code after Ctrl-C"
grep -q "SIGINT: stopping" "$LOG" || fail "npm start did not say it was stopping"
# Live processes only: a zombie (an exited child whose parent died before reaping it) is not running.
leftover=$(ps -e -o pid=,pgid=,stat=,args= | awk -v group="$GROUP" '$2 == group && $3 !~ /^Z/')
[ -z "$leftover" ] || fail "processes of npm start outlived it: $leftover"
curl -s --max-time 2 "$RELAYER/v1/health" >/dev/null && fail "the relayer still answers after Ctrl-C"
curl -s --max-time 2 "$WEB/" >/dev/null && fail "the web app still answers after Ctrl-C"
curl -s --max-time 2 -X POST -H 'content-type: application/json' \
  --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' http://127.0.0.1:8545 >/dev/null &&
  fail "the chain still answers after Ctrl-C"
echo "smoke: Ctrl-C stopped the web app, the relayer and the chain (exit code $code)"
rm -f "$LOG"
