"""`/`: a small landing page that points at the console, the API docs and health."""
from __future__ import annotations

from flask import Blueprint, render_template

from integration.runtime import settings

bp = Blueprint("landing", __name__, template_folder="templates")


@bp.get("/")
def landing():
    """The landing page.
    ---
    get:
      tags: [public]
      summary: Landing page with links to the console, the API docs and health
      responses:
        200: {description: HTML page, content: {text/html: {schema: {type: string}}}}
    """
    return render_template("landing.html", public_url=settings().public_url)
