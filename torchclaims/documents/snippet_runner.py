"""Run a document's code blocks, seeded, in this fresh process: `python -m torchclaims.documents.snippet_runner < blocks.json`.

stdin: a JSON list of [label, code]. Only the last block's printed output is kept on stdout;
the blocks before it (imports, definitions) run first with their output discarded. The warnings
the blocks raised go to stderr's last line, after WARNINGS_MARK, as JSON (torchclaims.warned).
"""

import contextlib
import io
import json
import random
import sys


def seed_everything() -> None:
    random.seed(0)
    with contextlib.suppress(ImportError):
        import numpy

        numpy.random.seed(0)
    with contextlib.suppress(ImportError):
        import torch

        torch.manual_seed(0)


WARNINGS_MARK = "torchclaims-warnings: "


def main() -> None:
    from torchclaims.warned import recording

    blocks = json.load(sys.stdin)
    seed_everything()
    namespace = {"__name__": "__main__"}
    with recording() as warned:
        try:
            for index, (label, code) in enumerate(blocks):
                compiled = compile(code, label, "exec")
                if index < len(blocks) - 1:
                    with contextlib.redirect_stdout(io.StringIO()):
                        exec(compiled, namespace)
                else:
                    exec(compiled, namespace)
        finally:
            sys.stdout.flush()
    print(WARNINGS_MARK + json.dumps(warned), file=sys.stderr)


if __name__ == "__main__":
    main()
