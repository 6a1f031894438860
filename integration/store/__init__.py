"""Storage: engine and sessions, models, Alembic migrations, the installations
repository, encryption of secrets at rest.

May import SQLAlchemy, Alembic, cryptography, the connectors' shared types and
integration.config/logs; nothing from the domain, the pipeline, the web layer, the
CLI or the tasks.
"""
