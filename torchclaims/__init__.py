"""torchclaims: what PyTorch tutorials claim, checked on every device and torch version."""

__version__ = "0.1.0"
