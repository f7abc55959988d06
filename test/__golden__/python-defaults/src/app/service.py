"""What was chosen when this project was generated: the default port and the
backing services that must answer before the app reports ready. To add a
dependency, add a probe under app/probes/ and an entry here."""

from app.readiness import Dependency

SERVICE_NAME = 'my-service'

DEFAULT_PORT = 8000

DEPENDENCIES: tuple[Dependency, ...] = (
    # None were chosen: /readyz answers ready as soon as the server listens.
)
