"""Appointments: the form (service, hall, date, slot, name, phone, ID number) and the
booking, cancelling and listing actions over ``assistant.booking``."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.base import current_guide, guide_events, position, resolve, send_card
from actions.guide import ServiceAction, ask
from actions.halls import ordered
from actions.services import Services
from actions.waiver import sealed_id_number
from assistant.booking import catalog, changes, service
from assistant.booking.models import Booking
from assistant.booking.person import check_name, check_phone
from assistant.conversation import finder, sealing
from assistant.conversation.messages import BookingCard, Button, SlotOption, SlotPicker
from assistant.conversation.when import in_period, parse_date, parse_time
from assistant.errors import AssistantError
from assistant.kb.snapshot import KbSnapshot, PublishedGuide

MAX_HALL_BUTTONS = 5
MAX_DAY_BUTTONS = 6
MAX_SLOT_BUTTONS = 8
WEEKDAYS = "一二三四五六日"
FORM_SLOTS = ("service", "hall", "date", "slot", "time_pref")


def day_label(day: date) -> str:
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def asked(tracker: Tracker, slot: str) -> bool:
    return tracker.get_slot("requested_slot") == slot


def earlier_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before this turn: a word of another answer that the entity extractor
    read as a day or a time (the 五 of 王五) must not undo the one chosen earlier."""
    before_this_turn = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            before_this_turn = True
        elif before_this_turn and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def form_guide(kb: KbSnapshot, tracker: Tracker) -> PublishedGuide | None:
    name = tracker.get_slot("service")
    found = finder.by_name(kb, name) if name else None
    return found.guide if found is not None else None


class ValidateAppointmentForm(FormValidationAction):
    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "validate_appointment_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """At activation the service is the one named in the request, else the current guide."""
        events: list[EventType] = []
        if tracker.get_slot("requested_slot") is None:  # activation
            kb = self.services.kb()
            found = resolve(self.services, kb, tracker, named=True)
            if found.guide is not None:
                events = guide_events(found) + [SlotSet("service", found.guide.name)]
            elif (g := current_guide(kb, tracker)) is not None:
                events = [SlotSet("service", g.name)]
            tracker.add_slots(events)
        validated = await super().run(dispatcher, tracker, domain)
        again = {e["name"] for e in validated if e.get("event") == "slot"}
        return [e for e in events if e["name"] not in again] + validated

    def validate_service(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        kb = self.services.kb()
        payload = finder.parse_payload(str(value))  # a clarifying button's choice
        text = payload[1].get("service", "") if payload else str(value)
        found = finder.by_name(kb, text)
        if found.guide is None and text:
            found = finder.find(self.services.nlu, kb, text)
        if found.guide is not None and str(found.guide.id) == tracker.get_slot("guide_id"):
            return {"service": found.guide.name}
        if found.guide is not None:  # another guide than the conversation's: it becomes current
            return {
                "service": found.guide.name,
                "guide_id": str(found.guide.id),
                "guide_name": found.guide.name,
                "situation": found.situation,
            }
        if found.status == "ambiguous":
            ask(dispatcher, found)
        else:
            dispatcher.utter_message(response="utter_guide_not_found")
        return {"service": None}

    def validate_hall(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        kb = self.services.kb()
        text = str(value).strip()
        hall = kb.hall(text) or next(
            (h for h in kb.halls if text and (text in h.hall.name or h.hall.name in text)), None
        )
        g = form_guide(kb, tracker)
        if hall is None or g is None:
            dispatcher.utter_message(text="没有找到这个大厅，请从下面的大厅中选择一个。")
            return {"hall": None}
        try:
            catalog.counter(kb, hall.id, g.id)
        except AssistantError as exc:
            dispatcher.utter_message(text=exc.message)
            return {"hall": None}
        chosen = {"hall": hall.hall.name}
        if tracker.get_slot("date"):  # a day given with the request: is this hall open then?
            tracker.slots.update(chosen)
            return chosen | self.validate_date(
                tracker.get_slot("date"), dispatcher, tracker, domain
            )
        return chosen

    def validate_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        now = self.services.now()
        day = parse_date(str(value), now.date())
        if day is None and not asked(tracker, "date"):  # e.g. the 五 of the name 王五
            return {"date": earlier_value(tracker, "date")}
        if day is None:
            dispatcher.utter_message(text="没听清是哪一天，请从下面的日期中选择。")
            return {"date": None}
        if not tracker.get_slot("hall"):  # given with the request, before the hall
            return {"date": day.isoformat()}
        try:
            view = self._day(tracker, day, now)
        except AssistantError as exc:
            dispatcher.utter_message(text=exc.message)
            return {"date": None}
        if not any(s.bookable for s in view.slots):
            dispatcher.utter_message(
                response="utter_no_slot_that_day", hall=tracker.get_slot("hall"), day=day_label(day)
            )
            return {"date": None}
        return {"date": day.isoformat()}

    def validate_slot(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        wish = parse_time(str(value))
        if wish is None and not asked(tracker, "slot"):
            return {"slot": earlier_value(tracker, "slot")}
        if wish is None:
            dispatcher.utter_message(text="请从下面的时段中选一个。")
            return {"slot": None}
        if wish.at is None or not tracker.get_slot("date") or not tracker.get_slot("hall"):
            return {"slot": None, "time_pref": wish.period}
        day = date.fromisoformat(tracker.get_slot("date"))
        try:
            view = self._day(tracker, day, self.services.now())
        except AssistantError as exc:
            dispatcher.utter_message(text=exc.message)
            return {"slot": None, "date": None}
        match = next((s for s in view.slots if s.bookable and s.start <= wish.at < s.end), None)
        if match is None:
            dispatcher.utter_message(
                text=f"{wish.at:%H:%M}这个时段约不了，请从下面的时段中选一个。"
            )
            return {"slot": None, "time_pref": wish.period}
        return {"slot": f"{match.start:%H:%M}"}

    def validate_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        text = str(value).strip().removeprefix("我叫").removeprefix("姓名").strip("：: ")
        try:
            return {"name": check_name(text)}
        except AssistantError as exc:
            dispatcher.utter_message(text=exc.message)
            return {"name": None}

    def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        found = sealing.tokens(str(value), "PH")
        try:
            check_phone(
                sealing.reveal(self.services.settings.secret_key, found[0]) if found else ""
            )
        except AssistantError as exc:
            dispatcher.utter_message(text=exc.message)
            return {"phone": None}
        return {"phone": found[0]}

    def validate_id_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return {"id_number": sealed_id_number(self.services, value, dispatcher)}

    def _day(self, tracker: Tracker, day: date, now: datetime) -> service.DayView:
        kb = self.services.kb()
        with self.services.session() as session:
            return service.day_view(
                session=session,
                kb=kb,
                hall_ref=tracker.get_slot("hall"),
                guide_ref=tracker.get_slot("service"),
                day=day,
                now=now,
                working_days=self.services.settings.booking_horizon_working_days,
            )


class ActionAskHall(ServiceAction):
    def name(self) -> str:
        return "action_ask_hall"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = self.services.kb()
        g = form_guide(kb, tracker)
        if g is None:
            dispatcher.utter_message(response="utter_ask_appointment_form_service")
            return []
        halls = ordered(
            [c.hall for c in catalog.counters_for(kb, g)],
            position(tracker),
            tracker.get_slot("district"),
        )
        buttons = [
            Button(
                title=(h.hall.name + (f"（约{km:.1f}公里）" if km is not None else ""))[:60],
                payload=finder.inform_payload(hall=h.hall.name),
            ).model_dump()
            for h, km in halls[:MAX_HALL_BUTTONS]
        ]
        dispatcher.utter_message(response="utter_choose_hall", guide_name=g.name, buttons=buttons)
        return []


class ActionAskDate(ServiceAction):
    def name(self) -> str:
        return "action_ask_date"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb, now = self.services.kb(), self.services.now()
        c = catalog.counter(kb, tracker.get_slot("hall"), tracker.get_slot("service"))
        with self.services.session() as session:
            h = service.horizon(
                session, now=now, working_days=self.services.settings.booking_horizon_working_days
            )
            days = [
                opening.day
                for opening, views in service.open_days(session, c, h, now)
                if any(v.bookable for v in views)
            ]
        buttons = [
            Button(
                title=day_label(d), payload=finder.inform_payload(date=d.isoformat())
            ).model_dump()
            for d in days[:MAX_DAY_BUTTONS]
        ]
        dispatcher.utter_message(
            response="utter_choose_date", hall=c.hall.hall.name, buttons=buttons
        )
        return []


class ActionAskSlot(ServiceAction):
    def name(self) -> str:
        return "action_ask_slot"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb, now = self.services.kb(), self.services.now()
        day = date.fromisoformat(tracker.get_slot("date"))
        with self.services.session() as session:
            view = service.day_view(
                session=session,
                kb=kb,
                hall_ref=tracker.get_slot("hall"),
                guide_ref=tracker.get_slot("service"),
                day=day,
                now=now,
                working_days=self.services.settings.booking_horizon_working_days,
            )
        free = [s for s in view.slots if s.bookable]
        preferred = [s for s in free if in_period(s.start, tracker.get_slot("time_pref"))] or free
        options = [
            SlotOption(
                date=day,
                start=s.start,
                end=s.end,
                free=s.available,
                payload=finder.inform_payload(time=f"{s.start:%H:%M}"),
            )
            for s in preferred[:MAX_SLOT_BUTTONS]
        ]
        hall = view.counter.hall.hall.name
        dispatcher.utter_message(
            response="utter_choose_slot",
            hall=hall,
            day=day_label(day),
            buttons=[
                {"title": f"{o.start:%H:%M}-{o.end:%H:%M}（余{o.free}）", "payload": o.payload}
                for o in options
            ],
        )
        send_card(dispatcher, SlotPicker(hall=hall, guide=view.counter.guide.name, options=options))
        return []


def booking_card(kb: KbSnapshot, b: Booking) -> BookingCard:
    hall = kb.hall(b.hall_id)
    return BookingCard(
        code=b.code,
        guide=b.guide_name,
        hall=hall.hall.name if hall else "",
        date=b.day,
        start=b.start,
        end=b.end,
        status=b.status.value,
    )


class ActionBook(ServiceAction):
    def name(self) -> str:
        return "action_book"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb, settings = self.services.kb(), self.services.settings
        secret = settings.secret_key
        message_id = (tracker.latest_message or {}).get("message_id") or ""
        data = service.BookingIn(
            hall=tracker.get_slot("hall"),
            guide=tracker.get_slot("service"),
            day=date.fromisoformat(tracker.get_slot("date")),
            start=time.fromisoformat(tracker.get_slot("slot")),
            name=tracker.get_slot("name"),
            id_number=sealing.reveal(secret, tracker.get_slot("id_number") or ""),
            phone=sealing.reveal(secret, tracker.get_slot("phone") or ""),
            idempotency_key=f"chat-{message_id}" if len(message_id) >= 8 else None,
            channel=str(
                ((tracker.latest_message or {}).get("metadata") or {}).get("channel", "api")
            ),
        )
        reset = [SlotSet(s, None) for s in ("date", "slot", "time_pref")]
        try:
            booking, _replay = service.book(
                engine=self.services.engine,
                kb=kb,
                data=data,
                secret=secret,
                now=self.services.now(),
                working_days=settings.booking_horizon_working_days,
            )
        except service.SlotFull as exc:
            # Someone took the last place between the offer and the click: the form asks again,
            # with buttons — for another time that day, or for another day when it is full.
            dispatcher.utter_message(response="utter_booking_failed", reason=exc.message)
            again = ("slot",) if exc.day_has_room else ("date", "slot")
            return [SlotSet(s, None) for s in again] + [FollowupAction("appointment_form")]
        except AssistantError as exc:
            dispatcher.utter_message(response="utter_booking_failed", reason=exc.message)
            return reset
        card = booking_card(kb, booking)
        dispatcher.utter_message(
            response="utter_booked",
            code=card.code,
            day=day_label(card.date),
            start=f"{card.start:%H:%M}",
            hall=card.hall,
        )
        send_card(dispatcher, card)
        return reset + [SlotSet("booking_code", booking.code)]


class ActionCancelAppointment(ServiceAction):
    def name(self) -> str:
        return "action_cancel_appointment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        code, phone = tracker.get_slot("booking_code"), tracker.get_slot("phone")
        if not code or not phone:
            dispatcher.utter_message(response="utter_no_booking_here")
            return []
        secret = self.services.settings.secret_key
        try:
            b = changes.cancel(
                engine=self.services.engine,
                code=code,
                proof=changes.Proof(phone=sealing.reveal(secret, phone)),
                secret=secret,
                now=self.services.now(),
            )
        except AssistantError as exc:
            dispatcher.utter_message(response="utter_cancel_failed", reason=exc.message)
            return []
        card = booking_card(self.services.kb(), b)
        dispatcher.utter_message(
            response="utter_cancelled",
            code=card.code,
            day=day_label(card.date),
            start=f"{card.start:%H:%M}",
            hall=card.hall,
        )
        send_card(dispatcher, card)
        return [SlotSet("booking_code", None)]


class ActionMyAppointments(ServiceAction):
    def name(self) -> str:
        return "action_my_appointments"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        id_token, phone = tracker.get_slot("id_number"), tracker.get_slot("phone")
        if not id_token or not phone:
            dispatcher.utter_message(response="utter_my_bookings_need_booking")
            return []
        secret = self.services.settings.secret_key
        kb = self.services.kb()
        with self.services.session() as session:
            mine = changes.find_mine(
                session=session,
                id_number=sealing.reveal(secret, id_token),
                phone=sealing.reveal(secret, phone),
                secret=secret,
                now=self.services.now(),
            )
        if not mine:
            dispatcher.utter_message(response="utter_no_bookings")
            return []
        dispatcher.utter_message(response="utter_my_bookings")
        for b in mine[-5:]:
            send_card(dispatcher, booking_card(kb, b))
        return []
