"""`tactful report` and the admin accuracy route print the same measured accuracy."""
from __future__ import annotations

import json

from click.testing import CliRunner

from integration.cli import main
from tests.sidebar.helpers import add_enrichment, make_installation, zendesk_headers

ADMIN = "admin-token-for-tests"


def _env(app) -> dict:
    config = app.config["TACTFUL"]
    return {"DATABASE_URL": config.database_url, "TACTFUL_ENCRYPTION_KEYS":
            ",".join(config.encryption_keys), "CELERY_BROKER_URL": config.broker_url,
            "TACTFUL_DATA_DIR": config.data_dir, "TACTFUL_ENV": "test"}


def _judge(sidebar_client, secret, verdict, agent):
    answer = sidebar_client.post("/sidebar/zendesk/feedback",
                                 headers=zendesk_headers(secret, "acme", agent=agent),
                                 json={"ticket_id": "42", "label": "urgency",
                                       "verdict": verdict})
    assert answer.status_code == 201


def test_report_json_prints_feedback_from_the_sidebar(sidebar_app, sidebar_client, db,
                                                      keyring):
    installation_id, secret = make_installation(db, keyring, "zendesk", "acme")
    add_enrichment(db, installation_id, "42")
    _judge(sidebar_client, secret, "wrong", "1")
    _judge(sidebar_client, secret, "agree", "2")
    _judge(sidebar_client, secret, "agree", "3")
    result = CliRunner().invoke(main, ["report", "--installation", installation_id,
                                       "--since", "30d", "--json"], env=_env(sidebar_app))
    assert result.exit_code == 0, result.output
    urgency = next(r for r in json.loads(result.output)["labels"] if r["label"] == "urgency")
    assert (urgency["shown"], urgency["agreed"], urgency["said_wrong"]) == (1, 2, 1)
    assert urgency["agreement_rate"] == 0.667
    table = CliRunner().invoke(main, ["report", "--installation", installation_id],
                               env=_env(sidebar_app))
    assert table.exit_code == 0 and "67%" in table.output


def test_report_refuses_a_bad_window_and_an_unknown_installation(sidebar_app):
    bad = CliRunner().invoke(main, ["report", "--installation", "in_x", "--since", "soon"],
                             env=_env(sidebar_app))
    assert bad.exit_code == 2 and "30d" in bad.output
    unknown = CliRunner().invoke(main, ["report", "--installation", "in_nope"],
                                 env=_env(sidebar_app))
    assert unknown.exit_code == 1 and "no installation in_nope" in unknown.output


def test_admin_accuracy_route(sidebar_app, sidebar_client, db, keyring):
    import dataclasses
    sidebar_app.config["TACTFUL"] = dataclasses.replace(sidebar_app.config["TACTFUL"],
                                                        admin_token=ADMIN)
    installation_id, secret = make_installation(db, keyring, "zendesk", "acme")
    add_enrichment(db, installation_id, "42")
    _judge(sidebar_client, secret, "wrong", "1")
    auth = {"Authorization": f"Bearer {ADMIN}"}
    answer = sidebar_client.get(f"/api/admin/installations/{installation_id}/accuracy",
                                headers=auth)
    assert answer.status_code == 200
    urgency = next(r for r in answer.json["labels"] if r["label"] == "urgency")
    assert urgency["said_wrong"] == 1 and urgency["agreement_rate"] == 0.0
    assert sidebar_client.get(f"/api/admin/installations/{installation_id}/accuracy?since=x",
                              headers=auth).status_code == 400
    assert sidebar_client.get("/api/admin/installations/in_nope/accuracy",
                              headers=auth).status_code == 404
    assert sidebar_client.get(f"/api/admin/installations/{installation_id}/accuracy"
                              ).status_code == 401


def test_sidebar_secret_command_prints_a_stable_secret_until_rotated(sidebar_app, db, keyring):
    installation_id, secret = make_installation(db, keyring, "zendesk", "acme")
    env = _env(sidebar_app)
    same = CliRunner().invoke(main, ["sidebar", "secret", installation_id], env=env)
    assert same.exit_code == 0 and same.output.strip() == secret
    rotated = CliRunner().invoke(main, ["sidebar", "secret", installation_id, "--rotate"],
                                 env=env)
    assert rotated.output.strip() not in ("", secret)
