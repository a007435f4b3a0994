"""Demo data: a deterministic sales organisation whose data hides documented facts (FACTS.md).

>>> from datetime import date
>>> from salesscope.demo import generate
>>> generate(seed=7, scale=20_000, today=date(2026, 4, 15))["reps"].shape
(12, 6)
"""

from salesscope.demo.facts import PlantedFacts, planted_facts
from salesscope.demo.generator import generate
from salesscope.demo.writer import write_demo_files

__all__ = ["PlantedFacts", "generate", "planted_facts", "write_demo_files"]
