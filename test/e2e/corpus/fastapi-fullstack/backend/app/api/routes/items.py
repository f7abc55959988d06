from fastapi import APIRouter
from sqlmodel import Session, select

from app.core.db import engine
from app.models.item import Item

router = APIRouter(prefix="/items", tags=["items"])


@router.get("/")
def read_items(skip: int = 0, limit: int = 100) -> list[Item]:
    with Session(engine) as session:
        return list(session.exec(select(Item).offset(skip).limit(limit)).all())
