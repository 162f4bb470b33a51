"""kg.outputs.spool: the streamed outputs of a build give the bytes of writing the whole graph."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.outputs import spool
from kg.outputs.export import facts_from_graph, report_fragment, report_sort_key, write_json
from kg.terms.triples import nt_lines


def test_line_spool_merges_runs_sorted_and_unique(monkeypatch, tmp_path, graph):
    monkeypatch.setattr(spool, "RUN_LINES", 7)
    lines = nt_lines(graph)
    runs = spool.LineSpool(tmp_path)
    for i in range(0, len(lines), 5):  # overlapping batches: every line arrives twice
        runs.add(lines[i:i + 10])
    assert len(runs.runs) > 2
    runs.flush()
    assert list(spool.merge_runs(runs.runs)) == lines


@pytest.mark.parametrize("parts", [1, 2, 3, 7])
def test_parts_cut_at_subjects_concatenate_to_the_whole(monkeypatch, tmp_path, graph, parts):
    """What kg build does with -j N: each range merged and serialized alone, then joined."""
    monkeypatch.setattr(spool, "RUN_LINES", 11)
    monkeypatch.setattr(spool.LineSpool, "SAMPLE_EVERY", 2)
    lines = nt_lines(graph)
    runs = spool.LineSpool(tmp_path)
    for i in range(0, len(lines), 9):
        runs.add(lines[i:i + 12])
    bounds = runs.bounds(parts)
    assert len(bounds) == parts and bounds[0][0] is None and bounds[-1][1] is None
    pieces = [list(spool.merge_runs(runs.runs, low, high)) for low, high in bounds]
    assert [ln for p in pieces for ln in p] == lines and all(pieces)
    subjects = [{ln.split(" ")[0] for ln in p} for p in pieces]
    assert sum(map(len, subjects)) == len(set().union(*subjects))  # no subject in two parts
    bodies = []
    for i, piece in enumerate(pieces):
        (tmp_path / f"{i}.nt").write_text("".join(piece), encoding="utf-8")
        bodies.append((tmp_path / f"{i}.ttl", spool.serialize_turtle(tmp_path / f"{i}.nt", tmp_path / f"{i}.ttl")))
    (tmp_path / "all.nt").write_text("".join(lines), encoding="utf-8")
    whole = spool.turtle_from_nt(tmp_path / "all.nt", tmp_path / "whole.ttl").read_bytes()
    assert spool.join_turtle(bodies, tmp_path / "joined.ttl").read_bytes() == whole


def test_turtle_from_sorted_nt_is_the_same_graph_with_sorted_prefixes(tmp_path, graph):
    nt = tmp_path / "g.nt"
    nt.write_text("".join(nt_lines(graph)), encoding="utf-8")
    a, b = spool.turtle_from_nt(nt, tmp_path / "a.ttl"), spool.turtle_from_nt(nt, tmp_path / "b.ttl")
    assert a.read_bytes() == b.read_bytes()
    head = [ln for ln in a.read_text(encoding="utf-8").splitlines() if ln.startswith("@prefix")]
    assert head == sorted(head) and any(ln.startswith("@prefix edu:") for ln in head)
    assert isomorphic(Graph().parse(a, format="turtle"), graph)
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_facts_fragments_give_the_bytes_of_write_json(tmp_path, graph):
    doc = facts_from_graph(graph)
    fragments = spool.FragmentSpool(tmp_path)
    for r in reversed(doc["reports"]):
        fragments.add(report_sort_key(r), report_fragment(r))
    spool.write_facts_fragments(fragments.ordered(), tmp_path / "streamed.json")
    fragments.close()
    write_json(doc, tmp_path / "whole.json")
    assert (tmp_path / "streamed.json").read_bytes() == (tmp_path / "whole.json").read_bytes()
    spool.write_facts_fragments([], tmp_path / "empty.json")
    write_json({"reports": []}, tmp_path / "empty-whole.json")
    assert (tmp_path / "empty.json").read_bytes() == (tmp_path / "empty-whole.json").read_bytes()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.binary(max_size=64), max_size=20), st.randoms(use_true_random=False))
def test_spooled_pieces_read_back_by_number_in_any_order(tmp_path_factory, pieces, rnd):
    """FragmentSpool.read_bytes gives each piece add_bytes numbered, also between later adds."""
    s = spool.FragmentSpool(tmp_path_factory.mktemp("spool"), ".records")
    numbers = []
    for piece in pieces:
        numbers.append(s.add_bytes((), piece))
        k = rnd.randrange(len(numbers))
        assert s.read_bytes(numbers[k]) == pieces[k]
    order = list(range(len(pieces)))
    rnd.shuffle(order)
    assert [s.read_bytes(numbers[k]) for k in order] == [pieces[k] for k in order]
    s.close()
    assert not s.path.exists()


def test_spooled_records_cross_to_a_worker_as_their_bytes(tmp_path):
    """A job's SpooledFacts pickles as PackedFacts holding the bytes: no file handle is sent."""
    import pickle

    from kg.pipeline.stages import PackedFacts, SpooledFacts

    s = spool.FragmentSpool(tmp_path, ".records")
    packed = PackedFacts.pack(())
    facts = SpooledFacts(s, s.add_bytes((), packed.blob))
    sent = pickle.loads(pickle.dumps(facts))
    assert type(sent) is PackedFacts and sent == packed and sent.unpack() == facts.unpack() == ()
    s.close()


@pytest.mark.parametrize("pread", [True, False])
def test_spooled_pieces_read_back_with_or_without_pread(tmp_path, pread, monkeypatch):
    """Where os.pread is missing (Windows) a read seeks, and puts the position back for the next add."""
    if not pread:
        monkeypatch.setattr(spool, "_pread", None)
    s = spool.FragmentSpool(tmp_path, ".records")
    first = s.add_bytes((), b"abc")
    assert s.read_bytes(first) == b"abc"
    second = s.add_bytes((), b"defg")
    assert (s.read_bytes(second), s.read_bytes(first)) == (b"defg", b"abc")
    assert list(s.ordered_bytes()) == [b"abc", b"defg"]
    s.close()
