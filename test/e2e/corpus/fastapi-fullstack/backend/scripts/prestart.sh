#! /usr/bin/env bash

set -e
set -x

# Let the DB start, then create the tables
python -c "from sqlmodel import SQLModel; from app.core.db import engine; import app.models.item; SQLModel.metadata.create_all(engine)"
