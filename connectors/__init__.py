"""One package per helpdesk behind one interface (base.py), the shared HTTP client and
error hierarchy, and the registry. Imports nothing of integration or tasks: a
connector knows its vendor and the normalised types, nothing of the service.
"""
