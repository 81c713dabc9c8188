# Schemathesis: property-based tests generated from the API's OpenAPI document (npm run
# test:contract). It is a Python program from PyPI, so it gets a virtual environment of its own,
# .data/venv, holding exactly the versions in schemathesis-requirements.txt. A stamp beside it
# records that file's hash: when the pins change, the environment is made again.

SCHEMATHESIS_VENV="$repo_root/.data/venv"
SCHEMATHESIS_BIN="$SCHEMATHESIS_VENV/bin/schemathesis"
schemathesis_requirements="$here/lib/schemathesis-requirements.txt"

schemathesis_current() {
  [ -x "$SCHEMATHESIS_BIN" ] &&
    [ "$(cat "$SCHEMATHESIS_VENV/.stamp" 2>/dev/null)" = "$(sha256sum <"$schemathesis_requirements")" ]
}

schemathesis_up() {
  if schemathesis_current; then
    log "Schemathesis ready: $SCHEMATHESIS_BIN"
    return 0
  fi
  # Debian splits venv (and ensurepip) out of python3.
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    log "installing python3 and python3-venv (Debian packages)"
    apt_install python3 python3-venv
  fi
  log "installing Schemathesis into $SCHEMATHESIS_VENV (PyPI, pinned)"
  rm -rf "$SCHEMATHESIS_VENV"
  python3 -m venv "$SCHEMATHESIS_VENV"
  "$SCHEMATHESIS_VENV/bin/pip" install --quiet --disable-pip-version-check --no-input \
    -r "$schemathesis_requirements"
  sha256sum <"$schemathesis_requirements" >"$SCHEMATHESIS_VENV/.stamp"
  log "Schemathesis ready: $("$SCHEMATHESIS_BIN" --version)"
}

schemathesis_ensure() { schemathesis_up; }
schemathesis_down() { :; }

schemathesis_status() {
  if schemathesis_current; then
    status_line schemathesis found "$SCHEMATHESIS_BIN"
  else
    status_line schemathesis missing "bash scripts/services.sh up schemathesis"
  fi
}
