"""Unit lists and deadlines, on cells copied from the two real documents."""
from __future__ import annotations

import pytest

from dutygraph.loaders.deadlines import parse_deadline, split_trailing_deadline
from dutygraph.loaders.units import is_collective, split_units


@pytest.mark.parametrize(
    "cell, departments, collectives, open_ended",
    [
        ("市城管委 市水务局 市交通运输局 市公安交管局 市住建局", ["市城管委", "市水务局", "市交通运输局", "市公安交管局", "市住建局"], [], False),
        ("<p>市交通运输局</p> <p>市消防救援支队</p>", ["市交通运输局", "市消防救援支队"], [], False),
        ("市级各相关部门", [], ["市级各相关部门"], False),
        ("各区(市)县政府", [], ["各区(市)县政府"], False),
        ("区安委会各成员单位，各街办、各园区管委会", [], ["区安委会各成员单位", "各街办", "各园区管委会"], False),
        ("区交运局、区住建局、区应急管理局等相关部门，各街办、各园区管委会", ["区交运局", "区住建局", "区应急管理局"], ["各街办", "各园区管委会"], True),
        ("区应急管理局等负有安全生产监管职责的部门，各街办、各园区管委会", ["区应急管理局"], ["负有安全生产监管职责的部门", "各街办", "各园区管委会"], True),
        ("区秦保局、区骊山国有生态林场（区骊山国家森林公园管理处）、区应急管理局，各街办、各园区管委会",
         ["区秦保局", "区骊山国有生态林场（区骊山国家森林公园管理处）", "区应急管理局"], ["各街办", "各园区管委会"], False),
        ("区科工商务局、区交运局等相关部门和单位，各街办、各园区管委会", ["区科工商务局", "区交运局"], ["各街办", "各园区管委会"], True),
        ("区安委办，各部门", ["区安委办"], ["各部门"], False),
        ("", [], [], False),
    ],
)
def test_split_units(cell, departments, collectives, open_ended):
    units = split_units(cell)
    assert units.departments == departments
    assert units.collective_units == collectives
    assert units.open_ended is open_ended


@pytest.mark.parametrize("name", ["区创建领导小组办公室", "公安临潼分局", "团市委", "市委编办", "区法院"])
def test_named_bodies_are_not_collective(name):
    assert not is_collective(name)


@pytest.mark.parametrize(
    "raw, start, end, ongoing",
    [
        ("2020年6月", None, "2020-06", False),
        ("2020 年 6 月", None, "2020-06", False),
        ("长期", None, None, True),
        ("2020 年 10 月-2021 年 7 月", "2020-10", "2021-07", False),
        ("2020 年 10 月—2021 年 7 月", "2020-10", "2021-07", False),
        ("2020 年-2021 年", "2020", "2021", False),
        ("2020 年 10 月 26 日前", None, "2020-10-26", False),
        ("2020年12月", None, "2020-12", False),
        ("规划水平年", None, None, False),
        ("按照国家确定时间实施", None, None, False),
    ],
)
def test_parse_deadline(raw, start, end, ongoing):
    deadline = parse_deadline(raw)
    assert (deadline.start, deadline.end, deadline.ongoing) == (start, end, ongoing)
    assert deadline.raw == " ".join(raw.split())


def test_empty_deadline_is_none():
    assert parse_deadline("") is None and parse_deadline("   ") is None


@pytest.mark.parametrize(
    "line, head, deadline",
    [
        ("区应急管理局 2020 年-2021 年", "区应急管理局", "2020 年-2021 年"),
        ("各街办、各园区管委会 2020 年 12 月", "各街办、各园区管委会", "2020 年 12 月"),
        ("区创建领导小组办公室 2020 年 11 月 20 日前", "区创建领导小组办公室", "2020 年 11 月 20 日前"),
        ("基本达到 20 年一遇，区域除涝标准达到 20 年一遇；主城区防洪标准基本达到 100", None, None),
    ],
)
def test_split_trailing_deadline(line, head, deadline):
    got_head, got_deadline = split_trailing_deadline(line)
    assert got_deadline == deadline
    if deadline:
        assert got_head == head
