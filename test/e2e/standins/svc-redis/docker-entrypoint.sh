#!/bin/sh
# The redis stand-in's entrypoint (see Dockerfile), after the official one.
set -e

# `docker run IMAGE --option value` or `docker run IMAGE /path/redis.conf` runs the server.
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi

if [ "$1" = redis-server ]; then
	# The official build turns protected mode off at compile time; without a config file,
	# the same default is set here (a config file or an explicit option still wins).
	case "$2" in
	*.conf) ;;
	*) case " $* " in *" --protected-mode "*) ;; *) set -- "$@" --protected-mode no ;; esac ;;
	esac
	if [ "$(id -u)" = 0 ]; then
		find . \! -user redis -exec chown redis '{}' +
		exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
	fi
fi

exec "$@"
