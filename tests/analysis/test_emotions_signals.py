"""Each emotion with its evidence, each flag, urgency."""
import pytest

from integration.domain.analysis import analyze
from integration.domain.analysis.types import EMOTIONS, FLAGS

EMOTION_EXAMPLES = {
    "frustration": ("I'm so frustrated, the app keeps crashing and nothing works", "frustrat"),
    "anger": ("I am furious, you people are a disgrace", "furious"),
    "confusion": ("I'm confused, the invoice makes no sense to me", "confused"),
    "anxiety": ("I'm really worried my data is gone, I'm scared I lost everything", "worried"),
    "disappointment": ("I'm really disappointed with the new version, expected better",
                       "disappoint"),
    "gratitude": ("Thank you so much for sorting this out so quickly!", "thank"),
}


@pytest.mark.parametrize("emotion", EMOTIONS)
def test_each_emotion_is_detected_with_evidence(emotion):
    text, word = EMOTION_EXAMPLES[emotion]
    analysis = analyze(text)
    assert emotion in analysis.detected
    assert analysis.emotions[emotion] >= 0.5
    assert any(word in phrase for phrase in analysis.evidence[emotion])


def test_every_emotion_is_scored_in_range():
    analysis = analyze("The delivery was late and I'm annoyed")
    assert set(analysis.emotions) == set(EMOTIONS)
    assert all(0.0 <= v <= 1.0 for v in analysis.emotions.values())
    assert all(e in analysis.evidence for e in analysis.detected)


def test_calm_question_detects_nothing_negative():
    detected = analyze("Can I change the delivery address for order 1234?").detected
    assert not {"frustration", "anger", "anxiety", "disappointment"} & set(detected)


def test_emotion_thresholds_are_configurable():
    text = "I'm a bit confused about the invoice"
    assert "confusion" in analyze(text).detected
    assert "confusion" not in analyze(text, {"thresholds": {"confusion": 1.0}}).detected


@pytest.mark.parametrize("flag,text,phrase", [
    ("complaint", "Your service is terrible and the product broke after a day", "terrible"),
    ("churn_risk", "Fix this or I'm switching to another provider", "switching to"),
    ("churn_risk", "I will file a chargeback with my bank", "chargeback"),
    ("churn_risk", "Cancel my subscription now", "cancel my subscription"),
    ("churn_risk", "I want a refund for this", "want a refund"),
    ("churn_risk", "My lawyer will hear about this", "lawyer"),
    ("repeated_contact", "This is the third time I'm writing about this", "third time"),
    ("repeated_contact", "No one replied to my last email", "no one replied"),
    ("repeated_contact", "The sync is still not working", "still not"),
    ("abusive", "You are idiots, fix your shit", "idiots"),
])
def test_flags_with_evidence(flag, text, phrase):
    analysis = analyze(text)
    assert analysis.flags[flag] is True
    assert any(phrase in p for p in analysis.evidence[flag])


def test_no_flags_on_a_friendly_question():
    analysis = analyze("Hi! How do I add a second user to my plan?")
    assert set(analysis.flags) == set(FLAGS)
    assert not any(analysis.flags.values())


def test_thanks_again_is_not_repeated_contact():
    assert analyze("Thanks again for the quick fix!").flags["repeated_contact"] is False


@pytest.mark.parametrize("text,level", [
    ("URGENT: our checkout is down and we are losing sales", "high"),
    ("Please fix this asap, payroll runs today", "high"),
    ("Subject: Immediate attention required\n\nThe boiler has stopped.", "high"),
    ("No rush, but would be nice to have dark mode some day", "low"),
    ("Just wondering whether you ship to Canada", "low"),
    ("My invoice shows the wrong address", "normal"),
    ("This is not urgent, but the footer has a typo", "low"),
])
def test_urgency(text, level):
    analysis = analyze(text)
    assert analysis.urgency == level
    if level != "normal":
        assert analysis.evidence["urgency"]
