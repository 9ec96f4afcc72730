from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

# alice starts 2026-11-01 in Asia/Shanghai; this is Tuesday 2026-11-10 at noon there: day 10.
NOW = datetime(2026, 11, 10, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
