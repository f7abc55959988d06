from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ACME_", env_file=".env", extra="ignore")

    api_token: SecretStr
    redis_url: str = "redis://localhost:6379/0"
    quote_ttl_seconds: int = 60


settings = Settings()
