"""Terms and privacy pages, linked from every marketplace listing (GET /legal/terms,
GET /legal/privacy). Server-rendered, no scripts; the operator's name and contact come
from the settings so a self-hosted Tactful shows its own."""
from __future__ import annotations

from flask import Blueprint, render_template

from integration.runtime import settings

bp = Blueprint("legal", __name__, url_prefix="/legal", template_folder="templates")


def _page(template: str):
    config = settings()
    return render_template(template, public_url=config.public_url,
                           grace_days=config.uninstall_grace_days)


@bp.get("/terms")
def terms():
    """Terms of service, linked from the marketplace listings.
    ---
    get:
      tags: [pages]
      summary: Terms of service
      responses:
        200: {$ref: '#/components/responses/Html'}
    """
    return _page("legal/terms.html")


@bp.get("/privacy")
def privacy():
    """Privacy policy, linked from the marketplace listings.
    ---
    get:
      tags: [pages]
      summary: Privacy policy
      responses:
        200: {$ref: '#/components/responses/Html'}
    """
    return _page("legal/privacy.html")
