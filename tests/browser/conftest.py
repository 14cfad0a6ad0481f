import datetime

import pytest
from django.utils import timezone

from devdata.demo import load_demo
from tests.factories import ReleaseFactory, country


@pytest.fixture
def demo_site(countries):
    """The demo release, and a few other public releases so that filters have work to do."""
    summary = load_demo()
    for code, day, title in [
        ("KZ", datetime.datetime(2024, 6, 3, 10), "カザフスタン地質委員会との意見交換"),
        ("KZ", datetime.datetime(2025, 11, 14, 10), "カザフスタンでのセミナー開催"),
        ("UZ", datetime.datetime(2025, 12, 5, 10), "ウズベキスタンでの共同調査の開始"),
    ]:
        release = ReleaseFactory(title_ja=title, published_at=timezone.make_aware(day))
        release.countries.add(country(code))
    return summary.release
