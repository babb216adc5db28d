"""Grading for the capstone (lesson 10): a whole cached service and its redis.conf, held to every standard.

ex = capstone.ServiceCheck("l10-catalog-service")
ex.run(CatalogService)          # a realistic workload with injected faults, plus probes
ex.verdict()                    # prints one row per standard; returns how many were kept (the points)
"""

from .config_check import ConfigCheck
from .service_check import ServiceCheck
from .standards_card import StandardsScorecard
from .workload import Op, OpResult, same_product, workload

__all__ = ["ConfigCheck", "Op", "OpResult", "ServiceCheck", "StandardsScorecard", "same_product", "workload"]
