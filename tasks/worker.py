"""The Celery application for `celery -A tasks.worker worker|beat` (see the Procfile)."""
from integration.app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
