"""Rasa's SQL tracker store, without re-reading a conversation from the database every turn.

Rasa's ``SQLTrackerStore`` loads every event of the conversation's current session from the
database and replays them into a tracker at the start of each turn, and before saving it counts
the stored events again to know which are new. Through the whole stack that was a quarter of
Rasa's time per turn, growing with the length of the conversation.

``CachingSQLTrackerStore`` keeps the trackers it has just saved in memory (least recently used
first out, ``cache_size`` conversations) and remembers how many of their events are stored:

- ``retrieve`` hands out the saved tracker itself and forgets it, so a turn that fails before
  saving leaves nothing stale behind — the next turn reads the database as Rasa would;
- ``save`` of a tracker it handed out (or read) writes only the events after the stored ones,
  without counting them in the database first.

The database stays the record: every turn is written as before, a restarted server continues
every conversation, and anything unusual (an event broker that re-reads trackers, a tracker the
store did not hand out, fewer events than were stored) takes Rasa's own path. The cache assumes
this process is the only writer of its conversations — one Rasa instance, which is what the
in-memory lock store already assumes; ``assistant rasa endpoints`` turns it off
(``cache_size: 0``) when a Redis lock store is configured for several instances.

On SQLite, connections are pooled (SQLAlchemy 1.4 opens a new one per query for a file) and
run with ``synchronous=NORMAL`` under the WAL journal: a commit no longer waits for the disk;
a power cut can lose the last turns, never corrupt the file.
"""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY


class CachingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, cache_size: int = 500, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cache_size = int(cache_size)
        # sender → (tracker, events stored): saved trackers nobody is using.
        self._saved: OrderedDict[str, tuple[DialogueStateTracker, int]] = OrderedDict()
        # sender → (tracker, events stored): trackers handed out by retrieve, in use this turn.
        self._lent: OrderedDict[str, tuple[DialogueStateTracker, int]] = OrderedDict()
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (
            None,
            "",
            ":memory:",
        ):
            self._tune_sqlite()

    def _tune_sqlite(self) -> None:
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False}
        )

        @sa.event.listens_for(self.engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    @property
    def caching(self) -> bool:
        return self.cache_size > 0 and self.event_broker is None

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if not self.caching:
            return await super().retrieve(sender_id)
        saved = self._saved.pop(sender_id, None)
        if saved is not None and len(saved[0].events) == saved[1]:
            tracker = saved[0]
        else:
            tracker = await super().retrieve(sender_id)
        self._lent.pop(sender_id, None)
        if tracker is not None:
            self._lent[sender_id] = (tracker, len(tracker.events))
            _trim(self._lent, self.cache_size)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender = tracker.sender_id
        lent = self._lent.pop(sender, None)
        self._saved.pop(sender, None)
        if (
            self.caching
            and lent is not None
            and lent[0] is tracker
            and _appendable(tracker, lent[1])
        ):
            self._append(tracker, lent[1])
        else:
            await super().save(tracker)
        if self.caching and _one_session(tracker):
            self._saved[sender] = (tracker, len(tracker.events))
            _trim(self._saved, self.cache_size)

    def _append(self, tracker: DialogueStateTracker, stored: int) -> None:
        """Write the events after the first ``stored`` ones (what Rasa's ``save`` writes)."""
        events = list(itertools.islice(tracker.events, stored, None))
        if not events:
            return
        rows = []
        for event in events:
            data = event.as_dict()
            intent = data.get("parse_data", {}).get("intent", {})
            rows.append(
                {
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": intent.get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
            )
        # One multi-row INSERT (executemany) of Rasa's own rows: the ORM's unit of work, which
        # Rasa's save goes through, cost more than the rows themselves.
        with self.session_scope() as session:
            session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()


def _appendable(tracker: DialogueStateTracker, stored: int) -> bool:
    return tracker.events.maxlen is None and stored <= len(tracker.events)


def _one_session(tracker: DialogueStateTracker) -> bool:
    """Rasa reads only the current session back: a tracker holding two is not kept."""
    return sum(e.type_name == SessionStarted.type_name for e in tracker.events) <= 1


def _trim(entries: OrderedDict[str, Any], size: int) -> None:
    while len(entries) > size:
        entries.popitem(last=False)
