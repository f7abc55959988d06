#!/bin/sh
# The valkey stand-in's entrypoint (see Dockerfile), after the official one.
set -e

# `docker run IMAGE --option value` or `docker run IMAGE /path/valkey.conf` runs the server.
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- valkey-server "$@"
fi

if [ "$1" = valkey-server ]; then
	# The official build turns protected mode off at compile time; without a config file,
	# the same default is set here (a config file or an explicit option still wins).
	case "$2" in
	*.conf) ;;
	*) case " $* " in *" --protected-mode "*) ;; *) set -- "$@" --protected-mode no ;; esac ;;
	esac
	if [ "$(id -u)" = 0 ]; then
		find . \! -user valkey -exec chown valkey '{}' +
		exec setpriv --reuid=valkey --regid=valkey --init-groups "$0" "$@"
	fi
fi

exec "$@"
