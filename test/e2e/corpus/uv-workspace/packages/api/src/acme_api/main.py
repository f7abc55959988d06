from decimal import Decimal

import redis.asyncio as redis
import uvicorn
from acme_core import quote
from fastapi import Depends, FastAPI, Header, HTTPException

from acme_api.settings import settings

app = FastAPI(title="acme-api")
# Connects on the first command.
cache = redis.from_url(settings.redis_url, decode_responses=True)


def authorized(authorization: str = Header(default="")) -> None:
    if authorization != f"Bearer {settings.api_token.get_secret_value()}":
        raise HTTPException(status_code=401, detail="unauthorized")


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/quotes/{sku}", dependencies=[Depends(authorized)])
async def get_quote(sku: str, quantity: int = 1) -> dict[str, str | int]:
    key = f"quote:{sku}:{quantity}"
    cached = await cache.get(key)
    if cached is None:
        q = quote(sku, quantity)
        cached = str(q.total)
        await cache.set(key, cached, ex=settings.quote_ttl_seconds)
    return {"sku": sku, "quantity": quantity, "total": str(Decimal(cached))}


def run() -> None:
    uvicorn.run("acme_api.main:app", host="0.0.0.0", port=8000)
