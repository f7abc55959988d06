#!/usr/bin/env bash
# The postgres stand-in's entrypoint (see Dockerfile): on an empty PGDATA, initdb with the
# POSTGRES_* variables and create POSTGRES_DB, as the official image does; then exec the server.
set -Eeuo pipefail

log() { printf '%s [entrypoint] %s\n' "$(date -u '+%F %T UTC')" "$*"; }

# `docker run postgres:18 -c name=value` runs the server with those options.
if [[ "${1:0:1}" == - ]]; then set -- postgres "$@"; fi

if [[ "$1" == postgres && "$(id -u)" == 0 ]]; then
  # Root: prepare the directories, then run this script again as postgres.
  mkdir -p "${PGDATA}" /var/run/postgresql
  chmod 00700 "${PGDATA}"
  chmod 03775 /var/run/postgresql
  find "${PGDATA}" /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [[ "$1" == postgres && ! -s "${PGDATA}/PG_VERSION" ]]; then
  if [[ -z "${POSTGRES_PASSWORD:-}" ]]; then
    printf '%s\n' 'Error: Database is uninitialized and superuser password is not specified.' \
      '       You must specify POSTGRES_PASSWORD to a non-empty value for the superuser.' >&2
    exit 1
  fi
  user="${POSTGRES_USER:-postgres}"
  db="${POSTGRES_DB:-${user}}"
  log "initializing ${PGDATA} (superuser ${user}, database ${db})"
  initdb --username="${user}" --pwfile=<(printf '%s\n' "${POSTGRES_PASSWORD}") -D "${PGDATA}" >/dev/null
  # Local socket: trust (initdb's default); TCP from anywhere: a password.
  printf '\nhost all all all scram-sha-256\n' >>"${PGDATA}/pg_hba.conf"
  # A socket-only server while setting up, so health checks over TCP fail until it is done.
  pg_ctl -D "${PGDATA}" -o "-c listen_addresses=''" -w -s start
  if [[ "${db}" != postgres ]]; then
    psql -v ON_ERROR_STOP=1 -q --username="${user}" --no-password --dbname=postgres --set db="${db}" <<<'CREATE DATABASE :"db";'
  fi
  pg_ctl -D "${PGDATA}" -m fast -w -s stop
  log "initialized; starting the server"
fi

exec "$@"
