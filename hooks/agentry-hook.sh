#!/bin/sh
# agentry-hook.sh <Event>: the Claude Code command hook (DESIGN §1, §7).
# Fast path: forward stdin to the supervisor's Unix socket with curl and print its answer.
# Otherwise hand over to the Node client, which spools the event and applies the local policy.
# stdout carries the answer only ('' or one JSON object); notes go to stderr; blocks are JSON denies.
# Every process spawned here costs the user's agent time: the fast path runs only cat and curl.
umask 077
EVENT=${1:-}
STATE=${AGENTRY_HOME:-${CLAUDE_PROJECT_DIR:-$PWD}/.agentry}
SOCK=$STATE/agentry.sock
if [ -f "$STATE/agentry.sock.path" ]; then
  REC=
  read -r REC < "$STATE/agentry.sock.path" || :
  case $REC in /*) SOCK=$REC ;; esac
fi
NL='
'
# One id per hook call, made here: it goes with the live request and into the spool line, so the
# supervisor records the call once however it arrives (a curl that gave up on a slow supervisor
# is followed by the Node fallback spooling the same call). Linux gives it without a process.
ID=
[ -r /proc/sys/kernel/random/uuid ] && { read -r ID < /proc/sys/kernel/random/uuid || ID=; }
[ -n "$ID" ] || ID=$(od -An -N16 -tx1 /dev/urandom 2> /dev/null | tr -d ' \n') || ID=

# Nothing can check this call: a tool call then waits for a person instead of going through.
unchecked() {
  echo "agentry-hook: $1" >&2
  if [ "$EVENT" = PreToolUse ]; then
    printf '%s' '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"ask","permissionDecisionReason":"agentry could not check this tool call (its supervisor and its Node client are unavailable); please review it."}}'
  fi
  if [ "$EVENT" = PermissionRequest ]; then
    printf '%s' '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","message":"agentry denied this permission request: its hook client is unavailable, so no one could approve it. Tell the user."}}}'
  fi
  exit 0
}

# Hook payloads are JSON text: held in a variable so the fallback can read them again.
IN=$(cat) || unchecked "cannot read stdin"

TRIED=
case $EVENT in
  '' | *[!A-Za-z]*) ;;
  # Waits for a person: the Node client long-polls the supervisor and denies when it cannot.
  PermissionRequest) ;;
  *)
    if [ -S "$SOCK" ] && command -v curl > /dev/null 2>&1; then
      TRIED=1
      # The status code comes last on its own line; a cut-off transfer makes curl exit non-zero.
      if RESP=$(printf '%s' "$IN" | curl -sS --unix-socket "$SOCK" --connect-timeout 1 --max-time 3 -w "$NL%{http_code}" \
        -H 'content-type: application/json' -H 'expect:' -H "x-agentry-hook-id: $ID" --data-binary @- "http://localhost/v1/hooks/$EVENT") &&
        [ "${RESP##*"$NL"}" = 200 ]; then
        printf '%s' "${RESP%"$NL"*}"
        exit 0
      fi
    fi
    ;;
esac

# The client bundled (npm run build:hook): loaded as ~25 modules it cost each call about 15-20 ms more.
CLIENT=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)/../dist/hooks/fallback/client.js
[ -f "$CLIENT" ] || unchecked "supervisor unreachable and $CLIENT is missing (run npm run build)"
command -v node > /dev/null 2>&1 || unchecked "supervisor unreachable and node is not on PATH"
OUT=$(printf '%s' "$IN" | AGENTRY_HOOK_SUPERVISOR_TRIED=$TRIED AGENTRY_HOOK_CALL_ID=$ID node "$CLIENT" "$EVENT"; echo "$NL$?")
RC=${OUT##*"$NL"}
OUT=${OUT%"$NL"*}
OUT=${OUT%"$NL"}
[ "$RC" -eq 0 ] || [ -n "$OUT" ] || unchecked "the Node client failed (exit $RC)"
printf '%s' "$OUT"
[ "$RC" -eq 2 ] && exit 2
exit 0
