# Redocly CLI: the linter of the API's OpenAPI document (npm run test:contract). Only the contract
# tier uses it, so, like Schemathesis, it is installed apart from the project's node_modules (15 MB
# that a learner's `npm install` no longer fetches, issue 25): into .data/redocly, exactly as
# redocly/package-lock.json pins it. A stamp beside it records that lock's hash: when the pin
# changes, the folder is made again.

REDOCLY_DIR="$repo_root/.data/redocly"
REDOCLY_BIN="$REDOCLY_DIR/node_modules/.bin/redocly"
redocly_pins="$here/lib/redocly"

redocly_current() {
  [ -x "$REDOCLY_BIN" ] &&
    [ "$(cat "$REDOCLY_DIR/.stamp" 2>/dev/null)" = "$(sha256sum <"$redocly_pins/package-lock.json")" ]
}

redocly_up() {
  if redocly_current; then
    log "Redocly CLI ready: $REDOCLY_BIN"
    return 0
  fi
  log "installing Redocly CLI into $REDOCLY_DIR (npm, pinned)"
  rm -rf "$REDOCLY_DIR"
  mkdir -p "$REDOCLY_DIR"
  cp "$redocly_pins/package.json" "$redocly_pins/package-lock.json" "$REDOCLY_DIR/"
  npm ci --prefix "$REDOCLY_DIR" --no-audit --no-fund --ignore-scripts --loglevel=error
  sha256sum <"$redocly_pins/package-lock.json" >"$REDOCLY_DIR/.stamp"
  log "Redocly CLI ready: $REDOCLY_BIN"
}

redocly_ensure() { redocly_up; }
redocly_down() { :; }

redocly_status() {
  if redocly_current; then
    status_line redocly found "$REDOCLY_BIN"
  else
    status_line redocly missing "bash scripts/services.sh up redocly"
  fi
}
