"""General rules added for the held-out layouts (tests/realdocs_heldout), each on a real row of those documents."""
from __future__ import annotations

import pytest

from dutygraph.loaders.assignments import cell_roles, split_duties
from dutygraph.loaders.units import split_units


@pytest.mark.parametrize("cell, departments, collective", [
    ("市府办 县(市、区)政府", ["市府办"], ["县(市、区)政府"]),                                  # taizhou row 1
    ("各县(市、区)党委和人民政府,城乡一体化示范区、高新区党工委和管委会",                            # pingdingshan row 1
     ["城乡一体化示范区", "高新区党工委和管委会"], ["各县(市、区)党委和人民政府"]),
    ("区政府有关部门,各乡镇人民政府、街道办事处。", [], ["区政府有关部门", "各乡镇人民政府、街道办事处"]),   # qiaocheng 68
])
def test_unit_cells(cell, departments, collective):
    listed = split_units(cell)
    assert (listed.departments, listed.collective_units) == (departments, collective)


@pytest.mark.parametrize("cell, roles", [
    ("****分局牵头,各有关部门按照职责分工负责", {"lead": "****分局", "support": "各有关部门"}),          # county row 1
    ("市发改委、市财政局(第一责任单位为牵头单位,下同)", {"units": "市发改委、市财政局"}),                # xiamen (一): a note
    ("县教育局", None),
])
def test_cell_roles(cell, roles):
    assert cell_roles(cell) == roles


def test_a_sentence_opening_with_its_lead_is_a_duty():
    text = "市公安局牵头,负责组织开展对道路交通领域的专项整治工作。市城管局牵头,负责组织开展对公用事业领域的专项整治工作。"
    duties = split_duties(text)
    assert [d.roles.lead for d in duties] == ["市公安局", "市城管局"]
