#!/bin/sh
# The entrypoint of the redis and valkey stand-ins (see their Dockerfiles), after the official
# one. KV_SERVER names the server: redis or valkey.
set -e

# `docker run IMAGE --option value` or `docker run IMAGE /path/server.conf` runs the server.
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- "${KV_SERVER}-server" "$@"
fi

if [ "$1" = "${KV_SERVER}-server" ]; then
	# The official build turns protected mode off at compile time; without a config file,
	# the same default is set here (a config file or an explicit option still wins).
	case "$2" in
	*.conf) ;;
	*) case " $* " in *" --protected-mode "*) ;; *) set -- "$@" --protected-mode no ;; esac ;;
	esac
	if [ "$(id -u)" = 0 ]; then
		find . \! -user "${KV_SERVER}" -exec chown "${KV_SERVER}" '{}' +
		exec setpriv --reuid="${KV_SERVER}" --regid="${KV_SERVER}" --init-groups "$0" "$@"
	fi
fi

exec "$@"
