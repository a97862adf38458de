"""Page benchmarks: how long Booster's pages take to render, measured, never asserted.

Runs against a throw-away SQLite database with the BOOSTER pack imported and prints the
median and 95th percentile per page over N requests through Django's test client (no
network). Usage: ``make bench`` or ``.venv/bin/python bench/run.py [--requests N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="booster-bench-")
    os.environ["BOOSTER_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booster.settings.dev")
    os.environ["DEBUG"] = "false"
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings

    from booster.programme.loader import BOOSTER_PACK_PATH
    from booster.programme.services import pack_import

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    pack_import(path=BOOSTER_PACK_PATH)

    pages = ["/en/", "/sv/programme/", "/fi/programme/work_ability/", "/en/help/", "/health/"]
    client = Client()
    print(f"{'page':34} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    with override_settings(DEBUG=True, ALLOWED_HOSTS=["testserver"]):
        for page in pages:
            client.get(page)  # warm caches
            timings = []
            for _ in range(args.requests):
                reset_queries()
                start = time.perf_counter()
                response = client.get(page)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (page, response.status_code)
            queries = len(connection.queries)
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(f"{page:34} {statistics.median(timings):10.1f} {p95:8.1f} {queries:8d}")
    print(f"({args.requests} requests per page; database {settings.DATABASES['default']['NAME']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
