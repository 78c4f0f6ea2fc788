# `pytest specs/` checks the claims; `pytest` alone runs the harness's own tests (tests/).
pytest_plugins = ["torchclaims.plugin"]
