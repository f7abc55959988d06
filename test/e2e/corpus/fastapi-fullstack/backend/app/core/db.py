from sqlmodel import create_engine

from app.core.config import settings

# No connection is made until the first session.
engine = create_engine(str(settings.SQLALCHEMY_DATABASE_URI), pool_pre_ping=True)
