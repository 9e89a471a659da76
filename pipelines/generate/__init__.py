"""The synthetic world generator: places, a registry, every sender's files, planted defects.

Public entry: `generate_world(home, households=2000, seed=20180831, month="2018-08")`.
"""

from pipelines.generate.world import MANIFEST_COLUMNS, build_world, generate_world, plan_world

__all__ = ["MANIFEST_COLUMNS", "build_world", "generate_world", "plan_world"]
