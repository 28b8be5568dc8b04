"""Sub-commands of the ``claimtrace`` CLI, one module each with ``register(subparsers)``."""
