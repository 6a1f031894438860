"""The sample knowledge base the sandbox serves (articles.json, written by
bench/make_knowledge.py): 200 help-centre articles and one labelled ticket per article."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def sample_knowledge() -> dict:
    text = resources.files(__name__).joinpath("articles.json").read_text("utf-8")
    return json.loads(text)
