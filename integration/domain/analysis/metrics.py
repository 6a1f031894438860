"""Classification metrics in plain Python (the runtime does not depend on numpy)."""
from __future__ import annotations


def per_class(gold: list[str], predicted: list[str], labels: list[str]) -> dict[str, dict]:
    out = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        out[label] = binary_scores(tp, fp, fn)
    return out


def binary_scores(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "support": tp + fn}


def binary_f1(gold: list[bool], predicted: list[bool]) -> dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, predicted))
    fp = sum(p and not g for g, p in zip(gold, predicted))
    fn = sum(g and not p for g, p in zip(gold, predicted))
    return binary_scores(tp, fp, fn)


def classification_report(gold: list[str], predicted: list[str],
                          labels: list[str] | None = None) -> dict:
    """Accuracy, macro-F1, macro-recall and per-class precision/recall/F1."""
    labels = labels or sorted(set(gold))
    classes = per_class(gold, predicted, labels)
    correct = sum(g == p for g, p in zip(gold, predicted))
    return {
        "n": len(gold),
        "accuracy": round(correct / len(gold), 4) if gold else 0.0,
        "macro_f1": round(sum(c["f1"] for c in classes.values()) / len(labels), 4),
        "macro_recall": round(sum(c["recall"] for c in classes.values()) / len(labels), 4),
        "per_class": classes,
    }
