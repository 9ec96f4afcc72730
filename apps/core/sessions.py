"""Sessions read from the cache (Redis) and written through to the database: Django's `cached_db`,
made to keep working while the cache is unreachable.

Django's own store already logs a failed cache write on save; a failed cache read falls back to the
database, but the cache write that follows it, and the cache delete of a logout, still raise. Here
every cache call may fail: the database is the truth, the cache only spares a query. A copy in the
cache lives at most CACHE_SECONDS, so a session deleted (a logout) while the cache could not be
reached cannot outlive that in a cache that comes back.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger("django.contrib.sessions")

CACHE_SECONDS = 300


class SessionStore(CachedDBStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - an unreachable cache: read the database
            logger.warning("sessions: cache unreachable, reading the database", exc_info=True)
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        self._cache_set(data, self.get_expiry_age(expiry=row.expire_date))
        return data

    def save(self, must_create=False):
        super(CachedDBStore, self).save(must_create)  # the database
        self._cache_set(self._session, self.get_expiry_age())

    def exists(self, session_key):
        return super(CachedDBStore, self).exists(session_key)  # the database decides

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:  # noqa: BLE001 - the copy expires by itself within CACHE_SECONDS
            logger.warning("sessions: cache unreachable, a deleted session's copy expires within %d s", CACHE_SECONDS, exc_info=True)

    def _cache_set(self, data, age):
        try:
            self._cache.set(self.cache_key, data, min(age, CACHE_SECONDS))
        except Exception:  # noqa: BLE001 - the database has it
            logger.warning("sessions: cache unreachable, kept in the database only", exc_info=True)
