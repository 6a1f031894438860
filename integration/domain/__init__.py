"""The pure domain: analysis, policy, drafting, assessment, bias audit.

Takes text and settings, returns values. May import only the standard library,
its own modules and pure third-party libraries (marshmallow for settings, the
analysis model's readers): no Flask, SQLAlchemy, requests, Celery, and nothing
else of ours. tests/test_layers.py enforces it.
"""
