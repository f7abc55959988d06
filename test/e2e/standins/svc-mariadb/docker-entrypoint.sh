#!/usr/bin/env bash
# The mariadb (and mysql) stand-ins' entrypoint (see Dockerfile): on an empty data directory,
# creates the system tables, the root password, the database and the user from MARIADB_* (or
# MYSQL_*) variables on a socket-only temporary server, as the official image does; then execs
# the server, which stays PID 1 and shuts down cleanly on SIGTERM.
set -Eeo pipefail

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock

log() { printf '%s [Note] [Entrypoint]: %s\n' "$(date -u '+%F %T')" "$*"; }
error() {
  printf '%s [ERROR] [Entrypoint]: %s\n' "$(date -u '+%F %T')" "$*" >&2
  exit 1
}
# setting NAME [MYSQL_NAME]: MARIADB_NAME, else MYSQL_NAME (default: the same suffix).
setting() {
  local m="MARIADB_$1" y="MYSQL_${2:-$1}"
  printf '%s' "${!m:-${!y:-}}"
}
random_password() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }
# SQL string literal and identifier contents.
sql_str() {
  local s="${1//\\/\\\\}"
  printf '%s' "${s//\'/\\\'}"
}
sql_id() { printf '%s' "${1//\`/\`\`}"; }

init_datadir() {
  local root_pw db user pw allow_empty random hc_pw pid i sql
  root_pw="$(setting ROOT_PASSWORD)"
  db="$(setting DATABASE)"
  user="$(setting USER)"
  pw="$(setting PASSWORD)"
  allow_empty="$(setting ALLOW_EMPTY_ROOT_PASSWORD ALLOW_EMPTY_PASSWORD)"
  random="$(setting RANDOM_ROOT_PASSWORD)"
  if [[ -z "${root_pw}" && -z "${allow_empty}" && -z "${random}" ]]; then
    error $'Database is uninitialized and password option is not specified\n\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD'
  fi
  [[ "${user}" != root ]] || error 'MARIADB_USER="root", MARIADB_USER and MARIADB_PASSWORD are for configuring a regular user and cannot be used for the root user'
  if [[ -z "${root_pw}" && -n "${random}" ]]; then
    root_pw="$(random_password)"
    log "GENERATED ROOT PASSWORD: ${root_pw}"
  fi

  log 'Initializing database files'
  mariadb-install-db --datadir="${DATADIR}" --rpm --auth-root-authentication-method=normal --cross-bootstrap \
    --skip-test-db --default-time-zone=SYSTEM --skip-log-bin --expire-logs-days=0 >/dev/null
  log 'Starting temporary server'
  "$@" --skip-networking --socket="${SOCKET}" --default-time-zone=SYSTEM --skip-log-bin --expire-logs-days=0 \
    --loose-innodb_buffer_pool_load_at_startup=0 --loose-innodb_buffer_pool_dump_at_shutdown=0 &
  pid=$!
  for ((i = 60; i > 0; i--)); do
    mariadb --no-defaults --protocol=socket --socket="${SOCKET}" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
    kill -0 "${pid}" 2>/dev/null || error 'Unable to start server.'
    sleep 0.5
  done
  ((i > 0)) || error 'Unable to start server.'

  hc_pw="$(random_password)"
  sql="SET @@SESSION.SQL_LOG_BIN=0;
SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
DROP USER IF EXISTS root@'127.0.0.1', root@'::1', ''@'localhost';
CREATE USER healthcheck@'127.0.0.1' IDENTIFIED BY '${hc_pw}', healthcheck@'::1' IDENTIFIED BY '${hc_pw}', healthcheck@'localhost' IDENTIFIED BY '${hc_pw}';"
  if [[ -n "${root_pw}" ]]; then
    sql+="
CREATE USER root@'%' IDENTIFIED BY '$(sql_str "${root_pw}")';
GRANT ALL ON *.* TO root@'%' WITH GRANT OPTION;
GRANT PROXY ON ''@'%' TO root@'%' WITH GRANT OPTION;
SET PASSWORD FOR root@'localhost' = PASSWORD('$(sql_str "${root_pw}")');"
  else
    sql+="
CREATE USER root@'%';
GRANT ALL ON *.* TO root@'%' WITH GRANT OPTION;
GRANT PROXY ON ''@'%' TO root@'%' WITH GRANT OPTION;"
  fi
  if [[ -n "${db}" ]]; then
    log "Creating database ${db}"
    sql+="
CREATE DATABASE IF NOT EXISTS \`$(sql_id "${db}")\`;"
  fi
  if [[ -n "${user}" ]]; then
    log "Creating user ${user}"
    sql+="
CREATE USER '$(sql_str "${user}")'@'%' IDENTIFIED BY '$(sql_str "${pw}")';"
    if [[ -n "${db}" ]]; then
      log "Giving user ${user} access to schema ${db}"
      sql+="
GRANT ALL ON \`$(sql_id "${db}")\`.* TO '$(sql_str "${user}")'@'%';"
    fi
  fi
  mariadb --no-defaults --protocol=socket --socket="${SOCKET}" -uroot --database=mysql --binary-mode <<<"${sql}"
  printf '[mariadb-client]\nport=3306\nsocket=%s\nuser=healthcheck\npassword=%s\n' "${SOCKET}" "${hc_pw}" \
    >"${DATADIR}/.my-healthcheck.cnf"
  chmod 600 "${DATADIR}/.my-healthcheck.cnf"

  log 'Stopping temporary server'
  kill "${pid}"
  wait "${pid}" || error 'the temporary server did not stop cleanly'
  log 'MariaDB init process done. Ready for start up.'
}

# `docker run mariadb:11.8 --option=value` runs the server with those options.
if [[ "${1:0:1}" == - ]]; then set -- mariadbd "$@"; fi

if [[ "$1" == mariadbd || "$1" == mysqld ]]; then
  if [[ "$(id -u)" == 0 ]]; then
    # Root: prepare the directories, then run this script again as mysql.
    mkdir -p "${DATADIR}" /run/mysqld
    find "${DATADIR}" /run/mysqld \! -user mysql -exec chown mysql:mysql '{}' +
    exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
  fi
  [[ -d "${DATADIR}/mysql" ]] || init_datadir "$@"
fi

exec "$@"
