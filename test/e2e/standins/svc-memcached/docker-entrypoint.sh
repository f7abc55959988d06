#!/bin/sh
# The memcached stand-in's entrypoint, the official one: options alone run memcached with them.
set -e

case "$1" in
-*) set -- memcached "$@" ;;
esac

exec "$@"
