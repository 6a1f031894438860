"""The Celery app and its tasks: thin glue that takes ids, calls integration.pipeline
and stores results. Tasks may import the pipeline, the store and integration.runtime
(for the database, keyring and settings); only tasks.worker, an entry point, imports
the app factory.
"""
