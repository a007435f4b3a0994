from datetime import date

import pandas as pd
import pytest

from salesscope.demo import generate, planted_facts

TODAY = date(2026, 4, 15)


@pytest.fixture(scope="session")
def today() -> date:
    return TODAY


@pytest.fixture(scope="session")
def tables() -> dict[str, pd.DataFrame]:
    return generate(seed=7, today=TODAY)


@pytest.fixture(scope="session")
def facts():
    return planted_facts(TODAY)
