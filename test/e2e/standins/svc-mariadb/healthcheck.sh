#!/usr/bin/env bash
# The mariadb stand-in's healthcheck.sh (see Dockerfile): the official script's two common tests.
#   --connect              the server accepts TCP connections (init's temporary server does not)
#   --innodb_initialized   InnoDB is available
# It logs in as the `healthcheck` user from /var/lib/mysql/.my-healthcheck.cnf, written on
# first start. Any other test fails loudly, so a caller needing more notices.
set -uo pipefail

CNF=/var/lib/mysql/.my-healthcheck.cnf
client() {
  local opts=()
  [[ -r "${CNF}" ]] && opts=(--defaults-extra-file="${CNF}")
  mariadb "${opts[@]}" --protocol=tcp -h 127.0.0.1 -P 3306 --skip-column-names -e "$1" 2>&1
}

connect() {
  local out
  out="$(client 'SELECT @@skip_networking')"
  case "${out}" in
    0) return 0 ;;
    1) return 1 ;;
  esac
  # Access denied still proves the server answers over TCP.
  ! grep -qF "Can't connect" <<<"${out}"
}

innodb_initialized() {
  [[ "$(client "SELECT 1 FROM information_schema.ENGINES WHERE engine = 'innodb' AND support IN ('YES', 'DEFAULT', 'ENABLED')")" == 1 ]]
}

(($#)) || set -- --connect
for arg; do
  case "${arg}" in
    --connect) connect || { echo "healthcheck connect failed" >&2; exit 1; } ;;
    --innodb_initialized) innodb_initialized || { echo "healthcheck innodb_initialized failed" >&2; exit 1; } ;;
    *)
      echo "healthcheck.sh (stand-in): unsupported argument ${arg}" >&2
      exit 1
      ;;
  esac
done
