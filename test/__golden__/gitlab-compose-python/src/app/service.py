"""What was chosen when this project was generated: the default port and the
backing services that must answer before the app reports ready. To add a
dependency, add a probe under app/probes/ and an entry here."""

from app.probes import redis
from app.readiness import Dependency

SERVICE_NAME = 'reports'

DEFAULT_PORT = 8000

DEPENDENCIES: tuple[Dependency, ...] = (
    Dependency(name='redis', env='CACHE_URL', schemes=redis.SCHEMES, probe=redis.probe),
)
