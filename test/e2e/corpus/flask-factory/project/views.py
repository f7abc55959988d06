from flask import Blueprint, render_template

from project import cache
from project.models import Note

bp = Blueprint("notes", __name__)


@bp.route("/")
def index():
    return render_template("index.html")


@bp.route("/notes")
@cache.cached(timeout=30)
def notes():
    return render_template("notes/list.html", notes=Note.query.order_by(Note.id).all())
