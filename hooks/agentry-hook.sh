#!/bin/sh
# agentry-hook.sh <Event>: the Claude Code command hook (DESIGN §1, §7).
# Fast path: forward stdin to the supervisor's Unix socket with curl and print its answer.
# Otherwise hand over to the Node client, which spools the event and applies the local policy.
# stdout carries the answer only ('' or one JSON object); notes go to stderr; blocks are JSON denies.
umask 077
EVENT=${1:-}
STATE=${AGENTRY_HOME:-${CLAUDE_PROJECT_DIR:-$PWD}/.agentry}
SOCK=$STATE/agentry.sock
if [ -f "$STATE/agentry.sock.path" ]; then
  REC=
  read -r REC < "$STATE/agentry.sock.path" || :
  case $REC in /*) SOCK=$REC ;; esac
fi
CLIENT=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)/../dist/hooks/client.js

# Nothing can check this call: a tool call then waits for a person instead of going through.
unchecked() {
  echo "agentry-hook: $1" >&2
  if [ "$EVENT" = PreToolUse ]; then
    printf '%s' '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"ask","permissionDecisionReason":"agentry could not check this tool call (its supervisor and its Node client are unavailable); please review it."}}'
  fi
  exit 0
}

# Buffer stdin (it can be MBs) so the fallback can read it again; 0600 files, removed on exit.
IN= OUT=
trap 'rm -f ${IN:+"$IN"} ${OUT:+"$OUT"}' EXIT
trap 'exit 1' HUP INT TERM
TMP=$STATE
{ [ -d "$TMP" ] && [ -w "$TMP" ]; } || TMP=${TMPDIR:-/tmp}
IN=$(mktemp "$TMP/.hook-in.XXXXXX") && OUT=$(mktemp "$TMP/.hook-out.XXXXXX") || unchecked "cannot create a temp file in $TMP"
cat > "$IN" || unchecked "cannot read stdin"

TRIED=
case $EVENT in
  '' | *[!A-Za-z]*) ;;
  *)
    if [ -S "$SOCK" ] && command -v curl > /dev/null 2>&1; then
      TRIED=1
      # A 200 counts only if curl also got the whole body (a cut-off transfer exits non-zero).
      if CODE=$(curl -sS --unix-socket "$SOCK" --connect-timeout 1 --max-time 3 -o "$OUT" -w '%{http_code}' \
        -H 'content-type: application/json' -H 'expect:' --data-binary @"$IN" "http://localhost/v1/hooks/$EVENT") &&
        [ "$CODE" = 200 ]; then
        cat "$OUT"
        exit 0
      fi
    fi
    ;;
esac

[ -f "$CLIENT" ] || unchecked "supervisor unreachable and $CLIENT is missing (run npm run build)"
command -v node > /dev/null 2>&1 || unchecked "supervisor unreachable and node is not on PATH"
AGENTRY_HOOK_SUPERVISOR_TRIED=$TRIED node "$CLIENT" "$EVENT" < "$IN" > "$OUT"
RC=$?
[ "$RC" -eq 0 ] || [ -s "$OUT" ] || unchecked "the Node client failed (exit $RC)"
cat "$OUT"
[ "$RC" -eq 2 ] && exit 2
exit 0
