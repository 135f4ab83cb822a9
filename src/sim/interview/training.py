"""Train the free-text interview classifier: two multinomial logistic regressions (need domain,
question style) over the hashed features of :mod:`sim.interview.features`, fitted in numpy by
full-batch Adam with L2 regularisation from zero weights, so the same corpus gives the same
weights. The corpus is the question bank plus ``corpus/interview/train.yaml`` (synthetic,
written for this project); ``heldout.yaml`` is never trained on: training never opens it, and
the tests check that none of its texts is in the training data.

    python -m sim.interview.training            # writes src/sim/data/interview/classifier.npz
    python -m sim.interview.training --cv 5     # k-fold accuracy on the training set only
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from sim.errors import SimValueError
from sim.interview.features import DIMENSIONS, halves, hashed, hashed_domain, words

if TYPE_CHECKING:
    import numpy as np

# One BLAS thread, set before numpy loads: faster for these small matrices on a shared machine,
# and the same sums in the same order on every run.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "corpus" / "interview"
OUT = ROOT / "src" / "sim" / "data" / "interview" / "classifier.npz"
EPOCHS, RATE, L2 = 300, 0.05, 1e-4


@dataclass(frozen=True)
class Item:
    """One labelled text: ``domains`` has two entries for a double-barrelled question."""

    text: str
    domains: tuple[str, ...]
    style: str


class CorpusError(SimValueError):
    """A corpus file is malformed or uses an unknown label."""


def load_items(path: Path) -> list[Item]:
    """Read ``[domain, style, text]`` items from a corpus YAML file, checking every label."""
    from sim.interview.bank import STYLES
    from sim.model.taxonomy import need_domains

    allowed = {"general", *need_domains()}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = []
    for n, row in enumerate(data.get("items", []), start=1):
        if not (isinstance(row, list) and len(row) == 3 and all(isinstance(x, str) for x in row)):
            raise CorpusError(f"{path}: item {n} must be [domain, style, text], not {row!r}")
        domain, style, text = row
        doms = tuple(domain.split("+"))
        bad = [d for d in doms if d not in allowed]
        if bad or style not in STYLES or (len(doms) == 2) != (style == "double_barrelled") or len(doms) > 2:
            raise CorpusError(f"{path}: item {n} {row!r}: domain(s) must be from {sorted(allowed)} "
                              f"('a+b' exactly for double_barrelled) and style from {list(STYLES)}")
        items.append(Item(text, doms, style))
    return items


def bank_items() -> list[Item]:
    """The question bank as labelled items (a double-barrelled bank question names one domain twice)."""
    from sim.interview.bank import question_bank

    out = []
    for q in question_bank().values():
        doms = (q.domain, q.domain) if q.style == "double_barrelled" else (q.domain,)
        out.append(Item(q.text, doms, q.style))
    return out


def training_items(corpus: Path = CORPUS) -> list[Item]:
    """Bank plus training corpus (``train.yaml`` only: the held-out file is never opened here;
    the tests check that no held-out text is in the training data)."""
    return bank_items() + load_items(corpus / "train.yaml")


def corpus_digest(items: list[Item]) -> str:
    """SHA-256 of the labelled training texts: the model file records the corpus it was fitted on."""
    import hashlib

    text = "\n".join(f"{'+'.join(i.domains)}\t{i.style}\t{i.text}" for i in items)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def domain_examples(items: list[Item]) -> list[tuple[str, str]]:
    """(text, domain) pairs: a double-barrelled question is split and each half keeps its domain."""
    out = []
    for item in items:
        parts = halves(item.text) if len(item.domains) == 2 else None
        if parts is not None:
            out += [(parts[0], item.domains[0]), (parts[1], item.domains[1])]
        else:
            out.append((item.text, item.domains[0]))
    return out


def fit(texts: list[str], labels: list[str], classes: list[str],
        featurize: Callable[[str], tuple[list[int], list[float]]]) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression on hashed features; returns (weights D x C, bias C)."""
    import numpy as np

    rows = [featurize(t) for t in texts]
    columns = sorted({i for idx, _ in rows for i in idx})
    where = {c: k for k, c in enumerate(columns)}
    x = np.zeros((len(texts), len(columns)), dtype=np.float64)
    for r, (idx, val) in enumerate(rows):
        for i, v in zip(idx, val, strict=True):
            x[r, where[i]] = v
    y = np.zeros((len(texts), len(classes)))
    y[np.arange(len(texts)), [classes.index(label) for label in labels]] = 1.0
    w = np.zeros((len(columns), len(classes)))
    b = np.zeros(len(classes))
    m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, EPOCHS + 1):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - y) / len(texts)
        grad_w, grad_b = x.T @ g + L2 * w, g.sum(axis=0)
        m_w, v_w = beta1 * m_w + (1 - beta1) * grad_w, beta2 * v_w + (1 - beta2) * grad_w**2
        m_b, v_b = beta1 * m_b + (1 - beta1) * grad_b, beta2 * v_b + (1 - beta2) * grad_b**2
        scale = RATE * np.sqrt(1 - beta2**step) / (1 - beta1**step)
        w -= scale * m_w / (np.sqrt(v_w) + eps)
        b -= scale * m_b / (np.sqrt(v_b) + eps)
    full = np.zeros((DIMENSIONS, len(classes)))
    full[columns] = w
    return full, b


def train(items: list[Item]) -> dict[str, np.ndarray]:
    """Fit both models on ``items``; the arrays that make up ``classifier.npz``."""
    import numpy as np

    from sim.interview.bank import STYLES
    from sim.model.taxonomy import need_domains

    domains = ["general", *need_domains()]
    styles: list[str] = [str(s) for s in STYLES]
    dom_pairs = domain_examples(items)
    dom_w, dom_b = fit([t for t, _ in dom_pairs], [d for _, d in dom_pairs], domains, hashed_domain)
    sty_w, sty_b = fit([i.text for i in items], [i.style for i in items], styles, hashed)
    vocab = sorted({w for i in items for w in words(i.text)})
    return {"domain_w": dom_w.astype(np.float16), "domain_b": dom_b.astype(np.float32),
            "style_w": sty_w.astype(np.float16), "style_b": sty_b.astype(np.float32),
            "domains": np.array(domains), "styles": np.array(styles), "vocab": np.array(vocab),
            "corpus_sha256": np.array(corpus_digest(items))}


def cross_validate(items: list[Item], folds: int) -> tuple[float, float]:
    """Mean k-fold (domain, style) accuracy of a model trained on the other folds (training set only)."""
    import numpy as np

    from sim.interview.classifier import Model

    order = np.random.default_rng(0).permutation(len(items))
    dom_ok = sty_ok = 0
    for k in range(folds):
        test = {int(i) for i in order[k::folds]}
        model = Model(train([it for n, it in enumerate(items) if n not in test]))
        for n in sorted(test):
            reading = model.read(items[n].text)
            dom_ok += reading.domains[0] == items[n].domains[0]
            sty_ok += reading.style == items[n].style
    return dom_ok / len(items), sty_ok / len(items)


def main(argv: list[str] | None = None) -> int:
    """Train and write the model file (or cross-validate with ``--cv K``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="k-fold cross-validation on the training set")
    args = parser.parse_args(argv)
    import numpy as np

    items = training_items(args.corpus)
    if args.cv:
        dom, sty = cross_validate(items, args.cv)
        print(f"{args.cv}-fold on {len(items)} training items: domain {dom:.1%}, style {sty:.1%}")
        return 0
    arrays = train(items)
    np.savez_compressed(args.out, domain_w=arrays["domain_w"], domain_b=arrays["domain_b"],
                        style_w=arrays["style_w"], style_b=arrays["style_b"], domains=arrays["domains"],
                        styles=arrays["styles"], vocab=arrays["vocab"], corpus_sha256=arrays["corpus_sha256"])
    print(f"trained on {len(items)} items; wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
