"""Break-it tests: break the PyTorch behaviour a checker observes, and see its claim fail.

    @breaks("numpy.from-numpy-shares-memory")
    def test_from_numpy_copies(monkeypatch):
        monkeypatch.setattr(torch, "from_numpy", lambda a: torch.tensor(a))

The decorated test applies the break (with monkeypatch, so it is undone afterwards);
the decorator then evaluates the claim and asserts the verdict is `fails`. A check
that cannot fail is a defect: tests/test_break_it_coverage.py requires one such test
for every registered checker.
"""

from __future__ import annotations

from functools import wraps

from torchclaims.catalogue import default_catalogue
from torchclaims.devices import Target
from torchclaims.evaluate import evaluate
from torchclaims.judge import Verdict
from torchclaims.plugin import explain

# claim ids that some break-it test breaks; filled as test modules are imported
BROKEN_CLAIMS: set[str] = set()


def breaks(claim_id: str, device: str = "cpu"):
    def decorate(test):
        BROKEN_CLAIMS.add(claim_id)

        @wraps(test)
        def run_broken(*args, **kwargs):
            claim = default_catalogue().by_id()[claim_id]
            test(*args, **kwargs)
            outcome = evaluate(claim, Target(device, parity=claim.devices == "parity"))
            assert outcome.verdict is Verdict.FAILS, (
                f"with the behaviour broken, {claim_id} should fail, but its verdict is "
                f"{outcome.verdict.value}:\n{explain(claim, outcome)}")

        return run_broken

    return decorate
