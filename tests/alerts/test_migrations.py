import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("alerts", "0001_initial")]
AFTER = [("alerts", "0002_subscription_manage_key")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_subscriptions_made_before_manage_keys_each_get_their_own():
    try:
        old = migrate(BEFORE).get_model("alerts", "Subscription")
        for n in range(3):
            old.objects.create(email=f"r{n}@example.org", language="en", token=f"t{n}")
        new = migrate(AFTER).get_model("alerts", "Subscription")
        keys = list(new.objects.values_list("manage_key", flat=True))
        assert len(set(keys)) == 3 and all(len(key) >= 40 for key in keys)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
