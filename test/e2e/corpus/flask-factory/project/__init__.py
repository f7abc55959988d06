from flask import Flask
from flask_caching import Cache
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
cache = Cache()


def create_app(config_object="project.config.Config"):
    app = Flask(__name__)
    app.config.from_object(config_object)

    db.init_app(app)
    cache.init_app(app)

    from project import views

    app.register_blueprint(views.bp)
    return app
