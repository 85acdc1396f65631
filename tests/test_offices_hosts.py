"""Data 1.2 (#21): offices normalised with a seniority level, one host per visit where the
text names whom the visitor met, and participants join persons without a clash."""

from __future__ import annotations

import bdigest_data as bd

LEVEL = {"head_of_state": "head_of_state_or_government",
         "head_of_government": "head_of_state_or_government",
         "defence_minister": "minister", "foreign_minister": "minister", "minister": "minister",
         "security_council_secretary": "other", "agency_head": "other",
         "organisation_head": "other", "official": "other"}


def test_the_office_vocabulary_is_the_schemas():
    field = next(f for f in bd.schema("participants")["fields"] if f["name"] == "office")
    assert sorted(field["constraints"]["enum"]) == sorted(LEVEL)


def test_seniority_follows_office_and_every_named_person_has_one():
    pt = bd.load("participants")
    for r in pt.itertuples():
        if isinstance(r.office, str):
            assert r.seniority == LEVEL[r.office], r.participant_id
        else:  # a group or a site: only unnamed 'leaders' get a level
            assert not isinstance(r.person_id, str), r.participant_id
    named = pt[pt.person_id.notna()]
    assert named.office.notna().all()
    by_person = named.groupby("person_id", observed=True).office.nunique()
    assert (by_person == 1).all()  # no one changes office within the articles


def test_one_host_per_visit_and_none_on_a_meeting():
    pt, visits = bd.load("participants"), bd.load("visits").set_index("visit_id")
    hosts = pt[pt.role.eq("host")]
    assert not hosts.visit_id.duplicated().any()
    assert (visits.loc[hosts.visit_id, "kind"] == "visit").all()
    host_of = dict(zip(hosts.visit_id, hosts.person_id, strict=True))
    # Hasanov's and Fico's visits: the text names Lukashenka as met
    assert host_of["visit-001"] == host_of["visit-007"] == "per:lukasenka"
    # every host is the head of state of the host state
    assert set(hosts.merge(pt[["participant_id"]], on="participant_id").office) == {"head_of_state"}


def test_participants_and_persons_join_without_a_clash():
    pt, persons = bd.load("participants"), bd.load("persons")
    assert set(pt.columns) & set(persons.columns) == {"person_id"}
    joined = pt.merge(persons, on="person_id", how="left")
    assert {"note", "person_note", "name", "office", "seniority"} <= set(joined.columns)
