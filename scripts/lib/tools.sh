# The command-line tools the tests use: jq (the README's curl walk-through), promtool
# (from Debian's prometheus package: checks the /metrics exposition) and chromium (Debian's
# package: the browser tests of the walkthrough and the web client drive it with playwright-core,
# which is told its path; nothing downloads a browser of its own).

tools_up() {
  local missing=()
  command -v jq >/dev/null 2>&1 || missing+=(jq)
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-liberation)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (Debian packages)"
    apt_install "${missing[@]}"
  fi
}

tools_ensure() { tools_up; }
tools_down() { :; }

tools_status() {
  local tool
  for tool in jq promtool chromium; do
    if command -v "$tool" >/dev/null 2>&1; then status_line "$tool" found "$(command -v "$tool")"; else status_line "$tool" missing ""; fi
  done
}
