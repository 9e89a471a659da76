"""Imported last by the forkserver of `onetable serve` (pipelines.serve.PRELOAD), once the modules
before it are: every run forked from it starts with their objects frozen (pipelines.orchestrate.freeze_imports)."""

from pipelines.orchestrate import freeze_imports

freeze_imports()
