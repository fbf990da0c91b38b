"""The shared-data store in the app's database: importing the demo people, reading records.

``import_demo`` is idempotent: a second run with the same file changes no row. ``load_records``
answers a lookup with two or three indexed queries and hands the rows to
``records.select_records``, the one place where data is cut down to what the request needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from assistant.kb.schema import SharedDataItem
from assistant.timeutil import utcnow
from assistant.waiver.demo import DemoFile, DemoPerson, to_licence
from assistant.waiver.models import SharedItem, SharedLicence, SharedPerson, SharedRelation
from assistant.waiver.records import (
    Hukou,
    Licence,
    LicenceStatus,
    LicenceSubject,
    LookupRequest,
    Person,
    PersonRecords,
    Relation,
    Relative,
    SharedRecord,
    relations_needed,
    select_records,
)

DEMO_SOURCE = "demo"


@dataclass
class DemoImport:
    persons: int = 0
    licences: int = 0
    records: int = 0
    relations: int = 0
    removed: int = 0

    def summary(self) -> str:
        return (
            f"shared data: {self.persons} persons, {self.licences} licences, "
            f"{self.records} records, {self.relations} relations"
            + (f", {self.removed} stale persons removed" if self.removed else "")
        )


# ------------------------------------------------------------------ import


def import_demo(session: Session, demo: DemoFile) -> DemoImport:
    report = DemoImport()
    existing = {
        p.key: p
        for p in session.exec(select(SharedPerson).where(SharedPerson.source == DEMO_SOURCE))
    }
    rows: dict[str, SharedPerson] = {}
    for person in demo.persons:
        rows[person.name] = _upsert_person(session, existing.pop(person.key, None), person)
    for stale in existing.values():
        session.delete(stale)
        report.removed += 1
    session.flush()
    for person in demo.persons:
        row = rows[person.name]
        report.licences += _sync_licences(session, row, person, demo.province)
        report.records += _sync_records(session, row, person)
    report.relations = _sync_relations(session, demo, rows)
    report.persons = len(rows)
    return report


def _upsert_person(session: Session, row: SharedPerson | None, p: DemoPerson) -> SharedPerson:
    hukou = p.hukou
    values = dict(
        key=p.key,
        id_number=p.id_number,
        name=p.name,
        sex=p.sex,
        birth_date=p.born,
        ethnicity=p.ethnicity,
        hukou_province=hukou.province if hukou else None,
        hukou_city=hukou.city if hukou else "",
        hukou_district=hukou.district if hukou else "",
        hukou_address=hukou.address if hukou else "",
        marital_status=p.marital_status,
        phone=p.phone,
        died_on=p.died_on,
        source=DEMO_SOURCE,
    )
    if row is None:
        row = SharedPerson(**values)  # type: ignore[arg-type]
    elif _changed(row, values):
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = utcnow()
    session.add(row)
    return row


def _sync_licences(session: Session, row: SharedPerson, p: DemoPerson, province: str) -> int:
    have = {
        (x.type_code, x.number): x
        for x in session.exec(select(SharedLicence).where(SharedLicence.person_id == row.id))
    }
    for lic in p.licences:
        plain = to_licence(lic, p.name, province)
        values = dict(
            person_id=row.id,
            type_code=plain.type_code,
            number=plain.number,
            subject=plain.subject.value,
            holder_name=plain.holder_name,
            issuer=plain.issuer,
            region=plain.region,
            issued_on=plain.issued_on,
            valid_until=plain.valid_until,
            status=plain.status.value,
            details=dict(lic.details),
        )
        _put(session, have.pop((lic.type, lic.number), None), SharedLicence, values)
    for stale in have.values():
        session.delete(stale)
    return len(p.licences)


def _sync_records(session: Session, row: SharedPerson, p: DemoPerson) -> int:
    have = {
        x.kind: x for x in session.exec(select(SharedItem).where(SharedItem.person_id == row.id))
    }
    for r in p.records:
        values = dict(
            person_id=row.id,
            kind=r.kind.value,
            reference=r.reference,
            keeper=r.keeper,
            updated_on=r.updated,
        )
        _put(session, have.pop(r.kind.value, None), SharedItem, values)
    for stale in have.values():
        session.delete(stale)
    return len(p.records)


def _sync_relations(session: Session, demo: DemoFile, rows: dict[str, SharedPerson]) -> int:
    ids = [r.id for r in rows.values()]
    have = {
        (x.person_id, x.relation, x.relative_id): x
        for x in session.exec(select(SharedRelation).where(col(SharedRelation.person_id).in_(ids)))
    }
    wanted = {
        (rows[a].id, relation.value, rows[b].id)
        for rel in demo.relations
        for a, relation, b in rel.pairs()
    }
    for key in wanted - have.keys():
        person_id, relation, relative_id = key
        session.add(SharedRelation(person_id=person_id, relation=relation, relative_id=relative_id))  # type: ignore[arg-type]
    for key in have.keys() - wanted:
        session.delete(have[key])
    return len(wanted)


def _put(
    session: Session, row: SharedLicence | SharedItem | None, model: type, values: dict
) -> None:
    if row is None:
        session.add(model(**values))
    elif _changed(row, values):
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)


def _changed(row: object, values: dict) -> bool:
    return any(getattr(row, name) != value for name, value in values.items())


# ------------------------------------------------------------------ reading


def load_records(session: Session, request: LookupRequest) -> PersonRecords:
    """Everything the request may see about the applicant and the relatives it needs."""
    applicant = session.exec(
        select(SharedPerson).where(SharedPerson.id_number == request.id_number)
    ).first()
    if applicant is None:
        return PersonRecords(applicant=None)
    relations = [r.value for r in relations_needed(request)]
    links = session.exec(
        select(SharedRelation)
        .where(
            SharedRelation.person_id == applicant.id, col(SharedRelation.relation).in_(relations)
        )
        .order_by(col(SharedRelation.id))
    ).all()
    relatives = {
        p.id: p
        for p in session.exec(
            select(SharedPerson).where(col(SharedPerson.id).in_([x.relative_id for x in links]))
        )
    }
    people = {p.id or 0: p for p in (applicant, *relatives.values())}
    licences, items = _details(session, list(people))
    plain = {i: _person(p, licences.get(i, []), items.get(i, [])) for i, p in people.items()}
    return select_records(
        request,
        plain[applicant.id or 0],
        [Relative(Relation(x.relation), plain[x.relative_id]) for x in links],
    )


def _details(
    session: Session, person_ids: list[int]
) -> tuple[dict[int, list[SharedLicence]], dict[int, list[SharedItem]]]:
    licences: dict[int, list[SharedLicence]] = {}
    for lic in session.exec(
        select(SharedLicence)
        .where(col(SharedLicence.person_id).in_(person_ids))
        .order_by(col(SharedLicence.id))
    ):
        licences.setdefault(lic.person_id, []).append(lic)
    items: dict[int, list[SharedItem]] = {}
    for item in session.exec(
        select(SharedItem)
        .where(col(SharedItem.person_id).in_(person_ids))
        .order_by(col(SharedItem.id))
    ):
        items.setdefault(item.person_id, []).append(item)
    return licences, items


def _person(
    row: SharedPerson, licences: Iterable[SharedLicence], items: Iterable[SharedItem]
) -> Person:
    hukou = None
    if row.hukou_province:
        hukou = Hukou(row.hukou_province, row.hukou_city, row.hukou_district, row.hukou_address)
    return Person(
        name=row.name,
        sex=row.sex,
        birth_date=row.birth_date,
        id_number=row.id_number,
        ethnicity=row.ethnicity,
        hukou=hukou,
        marital_status=row.marital_status,
        phone=row.phone,
        died_on=row.died_on,
        licences=tuple(
            Licence(
                type_code=x.type_code,
                number=x.number,
                holder_name=x.holder_name,
                issuer=x.issuer,
                region=x.region,
                issued_on=x.issued_on,
                valid_until=x.valid_until,
                status=LicenceStatus(x.status),
                subject=LicenceSubject(x.subject),
            )
            for x in licences
        ),
        records=tuple(
            SharedRecord(SharedDataItem(x.kind), x.reference, x.keeper, x.updated_on) for x in items
        ),
    )
