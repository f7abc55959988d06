"""What was chosen when this project was generated: the default port and the
backing services that must answer before the app reports ready. To add a
dependency, add a probe under app/probes/ and an entry here."""

from app.probes import mysql
from app.probes import memcached
from app.readiness import Dependency

SERVICE_NAME = 'billing'

DEFAULT_PORT = 8000

DEPENDENCIES: tuple[Dependency, ...] = (
    Dependency(name='mysql', env='DATABASE_URL', schemes=mysql.SCHEMES, probe=mysql.probe),
    Dependency(name='memcached', env='CACHE_URL', schemes=memcached.SCHEMES, probe=memcached.probe),
)
