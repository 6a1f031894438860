"""The event pipeline: receive (inbox), hand-off, publisher, sweep and relay, leases
and locks, rate limits, token refresh, uninstall, enrichment planning (connector
types in, domain out) and processing one event.

May import the domain, the store, connectors and integration.config/logs; never the
web layer, the CLI, the app factory or the Celery tasks (they call in, not back).
"""
