"""Edits that undo our writes become feedback once; accuracy counts answers and edits per
label; the migration goes up and down."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect, select

from connectors.base import Ticket
from integration.pipeline.edits import label_of_tag, record_edits, undoing_edits
from integration.store import feedback
from integration.store.migrate import downgrade, upgrade
from integration.store.models import AgentFeedback, Enrichment
from tests.sidebar.helpers import add_enrichment, make_installation

WRITTEN = {"tags": ["tactful_sentiment_negative", "tactful_emotion_frustration",
                    "tactful_escalate", "tactful_done"], "priority": "high"}


def ticket(tags, priority) -> Ticket:
    return Ticket(id="42", subject="s", latest_message="m", latest_message_id="m2",
                  latest_message_author_id="c", requester_name=None, tags=tuple(tags),
                  priority=priority, version="v2")


def test_tags_map_to_the_labels_they_speak_for():
    assert label_of_tag("tactful_sentiment_negative", "tactful_") == "sentiment"
    assert label_of_tag("tactful_emotion_anger", "tactful_") == "emotions"
    assert label_of_tag("tactful_escalate", "tactful_") == "priority"
    assert label_of_tag("tactful_done", "tactful_") is None
    assert label_of_tag("vip", "tactful_") is None


def test_only_our_removed_tags_and_a_changed_priority_count_as_undoing():
    kept_all = undoing_edits(WRITTEN, tuple(WRITTEN["tags"]) + ("vip",), "high", "tactful_")
    assert kept_all == []
    edits = undoing_edits(WRITTEN, ("tactful_emotion_frustration",), "normal", "tactful_")
    assert sorted(edits) == [
        ("priority", "high->normal", "priority_changed"),
        ("priority", "tactful_escalate", "tag_removed"),
        ("sentiment", "tactful_sentiment_negative", "tag_removed"),
    ]
    # tactful_done carries no label; a ticket with no priority is not a change.
    assert undoing_edits({"tags": ["tactful_done"], "priority": "high"}, (), None,
                         "tactful_") == []


def test_edits_are_recorded_once_against_the_enrichment_that_wrote_them(app, db, keyring):
    installation_id, _ = make_installation(db, keyring, "zendesk", "acme")
    older = add_enrichment(db, installation_id, "42", tags_written=("tactful_topic_billing",),
                           priority_written="urgent")
    latest = add_enrichment(db, installation_id, "42",
                            tags_written=tuple(WRITTEN["tags"]), priority_written="high")
    edited = ticket(("tactful_emotion_frustration", "tactful_escalate"), "low")
    assert record_edits(db, installation_id, edited, "tactful_") == 3
    assert record_edits(db, installation_id, edited, "tactful_") == 0    # seen again: once
    with db.session() as session:
        rows = feedback.accuracy(session, installation_id)
        by_label = {r.label: r for r in rows}
        assert by_label["sentiment"].tag_removed == 1
        # Compared with the newest priority we set (high), not the superseded one.
        assert by_label["priority"].priority_changed == 1
        stored = {(r.label, r.enrichment_id) for r in session.scalars(select(AgentFeedback))}
    assert stored == {("sentiment", latest), ("priority", latest), ("topic", older)}


def test_a_ticket_we_never_enriched_records_nothing(app, db, keyring):
    installation_id, _ = make_installation(db, keyring, "zendesk", "acme")
    assert record_edits(db, installation_id, ticket((), "low"), "tactful_") == 0


def test_accuracy_counts_answers_and_edits_per_label_within_the_window(app, db, keyring):
    installation_id, _ = make_installation(db, keyring, "zendesk", "acme")
    other_id, _ = make_installation(db, keyring, "zendesk", "other")
    first = add_enrichment(db, installation_id, "1")
    second = add_enrichment(db, installation_id, "2")
    add_enrichment(db, other_id, "1")
    with db.session() as session:
        for enrichment_id, agent, verdict in ((first, "a", "agree"), (second, "a", "wrong"),
                                              (first, "b", "agree")):
            feedback.record_answer(session, installation_id=installation_id,
                                   enrichment=session.get(Enrichment, enrichment_id),
                                   label="sentiment", value="negative", verdict=verdict,
                                   agent_id=agent)
        feedback.record_edit(session, installation_id=installation_id, ticket_id="2",
                             enrichment_id=second, label="sentiment",
                             value="tactful_sentiment_negative", verdict="tag_removed")
    with db.session() as session:
        rows = {r.label: r for r in feedback.accuracy(session, installation_id)}
        later = feedback.accuracy(session, installation_id,
                                  since=datetime.now(UTC) + timedelta(days=1))
    sentiment = rows["sentiment"]
    assert (sentiment.shown, sentiment.agreed, sentiment.said_wrong, sentiment.tag_removed) == \
        (2, 2, 1, 1)
    assert sentiment.agreement_rate == 0.5
    assert rows["urgency"].agreement_rate is None
    assert all(r.shown == 0 and r.agreed == 0 for r in later)


def test_migration_0004_upgrades_and_downgrades(tmp_path):
    url = f"sqlite:///{tmp_path}/m.sqlite"
    upgrade(url)
    from sqlalchemy import create_engine
    engine = create_engine(url)
    assert "agent_feedback" in inspect(engine).get_table_names()
    assert "sidebar_secret_encrypted" in {c["name"] for c in
                                          inspect(engine).get_columns("installations")}
    engine.dispose()
    downgrade(url, "0001")
    engine = create_engine(url)
    assert "agent_feedback" not in inspect(engine).get_table_names()
    assert "sidebar_secret_encrypted" not in {c["name"] for c in
                                              inspect(engine).get_columns("installations")}
    engine.dispose()


def test_purge_after_uninstall_deletes_feedback_and_the_sidebar_secret(app, db, keyring):
    from integration.pipeline import uninstall
    from integration.store import installations
    from integration.store.models import Installation
    installation_id, _ = make_installation(db, keyring, "zendesk", "acme")
    enrichment = add_enrichment(db, installation_id, "42")
    with db.session() as session:
        feedback.record_edit(session, installation_id=installation_id, ticket_id="42",
                             enrichment_id=enrichment, label="topic", value="x",
                             verdict="tag_removed")
    uninstall.uninstall(db, keyring, installation_id, revoke=False)
    with db.session() as session:
        assert session.get(Installation, installation_id).sidebar_secret_encrypted is None
        installations.purge_uninstalled(session, grace_days=0,
                                        now=datetime.now(UTC) + timedelta(days=1))
    with db.session() as session:
        assert session.scalars(select(AgentFeedback)).all() == []


def test_key_rotation_re_encrypts_the_sidebar_secret(app, db, keyring):
    from integration.store import installations
    from integration.store.models import Installation
    installation_id, secret = make_installation(db, keyring, "zendesk", "acme")
    with db.session() as session:
        before = session.get(Installation, installation_id).sidebar_secret_encrypted
        assert installations.rotate_all_keys(session, keyring) >= 3
    with db.session() as session:
        row = session.get(Installation, installation_id)
        assert feedback.stored_sidebar_secret(keyring, row) == secret
        assert row.sidebar_secret_encrypted != before
