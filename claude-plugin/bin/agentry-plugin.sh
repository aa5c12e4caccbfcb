#!/bin/sh
# agentry's Claude Code plugin entry: `agentry-plugin.sh hook EVENT` or `agentry-plugin.sh mcp`.
# A plugin is copied into Claude Code's plugin cache, so it finds agentry where it is installed:
# the project's node_modules first, else the `agentry` on PATH. Then it runs agentry's own hook
# script (the fast path) or CLI. Without agentry nothing is waved through: PreToolUse asks and
# PermissionRequest denies.
WHAT=${1:-}
EVENT=${2:-}
PROJECT=${CLAUDE_PROJECT_DIR:-$PWD}
ROOT=
if [ -f "$PROJECT/node_modules/agentry/hooks/agentry-hook.sh" ]; then
  ROOT=$PROJECT/node_modules/agentry
elif BIN=$(command -v agentry 2> /dev/null); then
  REAL=$(readlink -f "$BIN" 2> /dev/null || printf '%s' "$BIN")
  ROOT=$(CDPATH= cd -- "$(dirname -- "$REAL")/../.." 2> /dev/null && pwd)
  [ -f "$ROOT/hooks/agentry-hook.sh" ] || ROOT=
fi
MISSING="agentry is not installed in $PROJECT (npm install agentry) nor on PATH"

if [ "$WHAT" = mcp ]; then
  [ -n "$ROOT" ] || { echo "agentry plugin: $MISSING" >&2; exit 1; }
  exec node "$ROOT/dist/cli/bin.js" mcp
fi
if [ "$WHAT" != hook ]; then
  echo "usage: agentry-plugin.sh hook EVENT | mcp" >&2
  exit 0
fi
if [ -z "$ROOT" ]; then
  echo "agentry plugin: $MISSING" >&2
  case $EVENT in
    PreToolUse) printf '%s' '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"ask","permissionDecisionReason":"agentry is not installed where this plugin can find it, so this tool call was not checked; please review it."}}' ;;
    PermissionRequest) printf '%s' '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","message":"agentry denied this permission request: agentry is not installed where its plugin can find it, so no one could approve it. Tell the user."}}}' ;;
  esac
  exit 0
fi
exec "$ROOT/hooks/agentry-hook.sh" "$EVENT"
