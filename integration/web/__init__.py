"""The HTTP layer: one blueprint per module (webhooks, OAuth, admin API, analyze API,
health, the Freshdesk and Intercom app endpoints).

Blueprints reach the database, keyring and settings through integration.runtime, and
may import the pipeline, the store, the domain, installers and connectors; never the
app factory (it imports them) or the CLI.
"""
