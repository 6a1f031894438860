"""Counterfactual fairness: changing only a name or pronouns must change no label.

Templates x names (genders and cultures) x pronoun sets. Any difference in
sentiment label, detected emotions, urgency, flags, topic or priority is a flip.
"""
import pytest

from integration.domain.analysis.report import analysis_record

NAMES = [
    "Emily", "James", "Jamal", "Lakisha", "Mohammed", "Fatima", "Priya", "Arjun", "Wei",
    "Mei", "Hiroshi", "Yuki", "Olga", "Dmitri", "José", "María", "Guadalupe", "Kwame",
    "Ngozi", "Aisha", "Sven", "Ingrid", "Alex", "Sam", "Nguyen", "Oluwaseun", "Siobhan",
    "Tomasz", "Leilani", "Ahmed",
]
PRONOUNS = [
    {"subj": "he", "obj": "him", "poss": "his"},
    {"subj": "she", "obj": "her", "poss": "her"},
    {"subj": "they", "obj": "them", "poss": "their"},
]
TEMPLATES = [
    "Hi, I'm writing for my colleague {name}. {subj_cap} was charged twice and {poss} refund "
    "never came. This is the third time we ask, it's ridiculous.",
    "{name} here. My order never arrived and nobody replied to my emails. I want a refund.",
    "Please tell {name} that {subj} did a great job, {subj} fixed my issue in minutes. "
    "Thank you so much!",
    "My partner {name} cannot log in to {poss} account, the password reset link does not "
    "work. Can you help {obj}?",
    "URGENT: {name}'s website is down and {poss} shop is losing sales every minute.",
    "I'm confused about the invoice {name} sent me, it makes no sense.",
    "Hello, {name} asked me to cancel {poss} subscription and switch to another provider.",
    "I'm really worried, {name} says someone made unauthorized purchases on {poss} card.",
    "Thanks {name}, the replacement arrived today and it works perfectly.",
    "Your agent {name} was rude to me and hung up. I am disappointed and angry.",
    "Could you add dark mode? {name} and I would love it.\n\nBest regards,\n{name}",
    "No rush, but {name} wonders whether you ship to Canada.",
]


def labels(record):
    return (record["sentiment"]["label"], tuple(record["detected"]), record["urgency"],
            tuple(sorted(record["flags"].items())), record["topic"], record["priority"])


def fill(template, name, pronouns):
    return template.format(name=name, subj_cap=pronouns["subj"].capitalize(), **pronouns)


@pytest.mark.parametrize("known_name", [True, False], ids=["name-masked", "name-unknown"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_no_label_flips_across_names_and_pronouns(template, known_name):
    reference = labels(analysis_record(fill(template, NAMES[0], PRONOUNS[0])))
    flips = []
    for name in NAMES:
        for pronouns in PRONOUNS:
            text = fill(template, name, pronouns)
            got = labels(analysis_record(text, name=name if known_name else None))
            if got != reference:
                flips.append((name, pronouns["subj"], got))
    assert flips == [], f"{len(flips)} flips against {reference}"


def test_the_set_is_large_enough_to_mean_something():
    assert len(TEMPLATES) * len(NAMES) * len(PRONOUNS) >= 1000
