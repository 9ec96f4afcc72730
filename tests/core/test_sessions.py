"""Sessions in Redis, written through to the database: no SQL query for a page's session, and still
working when Redis is unreachable (apps.core.sessions)."""

import pytest
from django.core.cache import caches

from apps.core.sessions import CACHE_SECONDS, SessionStore

pytestmark = pytest.mark.django_db


class Down:
    """A cache that cannot be reached."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache unreachable")

        return fail


def test_a_page_reads_its_session_from_the_cache(alice_client, frozen, django_assert_num_queries, settings):
    if settings.SESSION_ENGINE != "apps.core.sessions":
        pytest.skip("needs the Redis that make test provides")
    alice_client.get("/")
    key = alice_client.cookies["sessionid"].value
    assert caches["default"].get(SessionStore.cache_key_prefix + key) is not None
    with django_assert_num_queries(0):
        assert SessionStore(key).load()["_auth_user_id"] == str(alice_client.session["_auth_user_id"])


def test_with_the_cache_down_sessions_are_read_saved_and_deleted_in_the_database(db):
    store = SessionStore()
    store["x"] = 1
    store._cache = Down()
    store.save()  # to the database; the cache's failure is logged
    key = store.session_key
    again = SessionStore(key)
    again._cache = Down()
    assert again.load() == {"x": 1}
    again.delete()  # a logout while the cache is down
    gone = SessionStore(key)
    gone._cache = Down()
    assert gone.load() == {} and not gone.exists(key)


def test_a_cached_copy_lives_at_most_five_minutes(db, monkeypatch):
    seen = {}
    store = SessionStore()
    monkeypatch.setattr(store._cache, "set", lambda key, value, timeout: seen.update(timeout=timeout))
    store["x"] = 1
    store.save()
    assert seen["timeout"] == CACHE_SECONDS == 300
