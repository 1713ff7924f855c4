# shellcheck shell=sh
# Sourced by ./mvnw and ./copilot: makes JAVA_HOME point at a JDK 21 or newer.
# Keeps an existing JAVA_HOME (or the java on the PATH) when it is new enough; otherwise takes the
# newest JDK found under /usr/lib/jvm, /opt/java or ~/.sdkman/candidates/java.
copilot_jdk_major() {
  # prints the feature version of the JDK at $1 (0 when unknown)
  if [ -f "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
    [ -n "$v" ] && { echo "$v"; return; }
  fi
  echo 0
}
copilot_find_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(copilot_jdk_major "$JAVA_HOME")" -ge 21 ]; then
    return 0
  fi
  if [ -z "${JAVA_HOME-}" ] && command -v javac >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if [ "$(copilot_jdk_major "$home")" -ge 21 ]; then
      JAVA_HOME=$home; export JAVA_HOME; return 0
    fi
  fi
  best=""; best_v=0
  case $- in *f*) set +f; copilot_noglob=1 ;; esac
  for d in /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$d/bin/javac" ] || continue
    v=$(copilot_jdk_major "$d")
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  [ -n "${copilot_noglob-}" ] && set -f
  if [ -n "$best" ]; then
    JAVA_HOME=$best; export JAVA_HOME; return 0
  fi
  echo "No JDK 21 or newer found (looked at JAVA_HOME, the PATH and /usr/lib/jvm). Install one, e.g. 'apt-get install openjdk-21-jdk-headless'." >&2
  return 1
}
copilot_find_jdk
