"""The ingest floor: a bare Flask endpoint that only checks the HMAC and pushes to Redis.

bench/ingest.py runs it under the same gunicorn settings as the real receiver,
so the ratio says what our verify → validate → dedupe → store costs on top.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

import redis
from flask import Flask, request

SECRET = os.environ["FLOOR_SECRET"].encode()
app = Flask("floor")
_redis = redis.Redis.from_url(os.environ["FLOOR_REDIS_URL"])


@app.post("/hook")
def hook():
    raw = request.get_data()
    stamp = request.headers.get("X-Zendesk-Webhook-Signature-Timestamp", "")
    expected = base64.b64encode(hmac.new(SECRET, stamp.encode() + raw, hashlib.sha256).digest())
    given = request.headers.get("X-Zendesk-Webhook-Signature", "").encode()
    if not hmac.compare_digest(expected, given):
        return {"error": "bad-signature"}, 401
    _redis.lpush("floor", raw)
    return {"status": "accepted"}, 202
