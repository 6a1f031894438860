"""The durable ingest floor: a bare Flask endpoint that checks the HMAC and commits one row.

One `INSERT … ON CONFLICT DO NOTHING` into PostgreSQL with psycopg in autocommit,
one connection per thread: the least a receiver that commits before it answers
can do. bench/ingest.py serves it under the same gunicorn settings as Tactful.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading

import psycopg
from flask import Flask, request
from psycopg.types.json import Jsonb

SECRET = os.environ.get("FLOOR_SECRET", "").encode()
DSN = os.environ.get("FLOOR_POSTGRES_DSN", "")
TABLE = "bench_floor_events"
CREATE = (f"CREATE TABLE IF NOT EXISTS {TABLE} (id BIGSERIAL PRIMARY KEY, "
          "provider_event_id TEXT NOT NULL UNIQUE, payload JSONB, "
          "received_at TIMESTAMPTZ NOT NULL DEFAULT now())")
INSERT = (f"INSERT INTO {TABLE} (provider_event_id, payload) VALUES (%s, %s) "
          "ON CONFLICT DO NOTHING")
app = Flask("durable-floor")
_local = threading.local()


def _connection() -> psycopg.Connection:
    connection = getattr(_local, "connection", None)
    if connection is None or connection.closed:
        connection = _local.connection = psycopg.connect(DSN, autocommit=True)
    return connection


@app.post("/hook")
def hook():
    raw = request.get_data()
    stamp = request.headers.get("X-Zendesk-Webhook-Signature-Timestamp", "")
    expected = base64.b64encode(hmac.new(SECRET, stamp.encode() + raw, hashlib.sha256).digest())
    given = request.headers.get("X-Zendesk-Webhook-Signature", "").encode()
    if not hmac.compare_digest(expected, given):
        return {"error": "bad-signature"}, 401
    payload = json.loads(raw)
    _connection().execute(INSERT, (str(payload["id"]), Jsonb(payload)))
    return {"status": "accepted"}, 202
