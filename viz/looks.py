"""How a network looks: one shape per node kind, one colour per function family (shades within it), one
line per edge kind, Chinese labels, and the legend of what is on screen. Colours are fixed so screenshots
compare; the family colours are colour-blind safe (Okabe–Ito, extended with Paul Tol's muted set)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .model import EDGE_KINDS, NODE_KINDS, Edge, Node

NO_FAMILY = "未标注职能"
NO_FAMILY_COLOUR = "#bbbbbb"
ORPHAN_RING = "#d55e00"
FONT_SIZE = 12
LABEL_CHARS = 8            # a label longer than this is shortened with "…"; the tooltip has all of it

# Function → family, for the functions the vocabulary named before families were in the ontology
# (ontology/departments.ttl); the same family labels as ontology/functions.ttl's dg:family concepts, so a
# department keeps its colour when viz.families switches to the ontology.
FAMILY_OF_FUNCTION: dict[str, str] = {
    **dict.fromkeys(("应急管理", "消防救援", "安全生产委员会", "创建领导小组办公室", "人民防空", "气象"), "安全应急"),
    **dict.fromkeys(("公安", "公安交通管理", "政法", "司法行政", "审判", "检察"), "公安政法"),
    **dict.fromkeys(("交通运输", "住房城乡建设", "城市管理", "城中村和棚户区改造"), "城建交通"),
    **dict.fromkeys(("发展改革", "经济和信息化", "商务", "财政", "科技", "口岸物流", "博览"), "经济发展"),
    "市场监管": "市场监管",
    **dict.fromkeys(("自然资源和规划", "生态环境", "水务", "林业园林", "农业农村", "秦岭生态保护"), "自然资源与生态"),
    **dict.fromkeys(("教育", "卫生健康", "民政", "民族宗教", "文化旅游", "体育", "人力资源和社会保障"), "社会事业"),
    **dict.fromkeys(("宣传", "机构编制", "共青团", "工会", "妇联", "残联", "融媒体", "城乡社区发展治理"), "党群"),
    **dict.fromkeys(("政府办公室", "行政审批", "网络理政"), "综合办公"),
    "供电": "企业",
}

# One colour per family, in the order a legend lists them.
FAMILY_COLOURS: dict[str, str] = {
    "安全应急": "#d55e00",      # vermillion
    "公安政法": "#0072b2",      # blue
    "城建交通": "#e69f00",      # orange
    "经济发展": "#cc79a7",      # reddish purple
    "市场监管": "#56b4e9",      # sky blue
    "自然资源与生态": "#009e73",  # bluish green
    "社会事业": "#f0e442",      # yellow
    "党群": "#882255",          # wine
    "综合办公": "#999933",      # olive
    "基层与园区": "#44aa99",    # teal
    "企业": "#332288",          # indigo
}
EXTRA_COLOURS = ("#ddcc77", "#aa4499", "#88ccee", "#117733")   # families the ontology adds later


@dataclass(frozen=True)
class NodeLook:
    label: str
    shape: str
    colour: str
    border: str
    size: int


@dataclass(frozen=True)
class EdgeLook:
    label: str
    colour: str
    width: float
    dashes: bool
    arrow: bool


NODE_LOOKS: dict[str, NodeLook] = {
    "plan": NodeLook("方案", "box", "#eceff1", "#37474f", 14),
    "department": NodeLook("部门（颜色＝职能类别）", "dot", NO_FAMILY_COLOUR, "#ffffff", 11),
    "collective": NodeLook("集合性单位", "hexagon", "#d9d9d9", "#8c8c8c", 10),
    "facility": NodeLook("设施/风险类型", "diamond", "#ffffff", "#404040", 10),
    "task": NodeLook("任务", "square", "#c7c7c7", "#6b6b6b", 6),
    "regulation": NodeLook("法规文件", "triangle", "#c9b59a", "#7a5c3a", 9),
    "indicator": NodeLook("量化指标", "star", "#ffd54f", "#b28900", 9),
    "cluster": NodeLook("分组（单击展开）", "ellipse", "#f5f5f5", "#737373", 14),
}

KIND_NAMES: dict[str, str] = {"plan": "方案", "department": "部门", "collective": "集合性单位", "facility": "设施类型",
                              "task": "任务", "regulation": "法规文件", "indicator": "量化指标", "cluster": "分组"}

EDGE_LOOKS: dict[str, EdgeLook] = {
    "lead": EdgeLook("牵头", "#0072b2", 2.0, False, True),
    "co-responsible": EdgeLook("配合", "#56b4e9", 1.0, False, True),
    "collective": EdgeLook("集合性单位负责", "#9e9e9e", 1.0, True, True),
    "concerns": EdgeLook("涉及设施", "#e69f00", 1.0, False, True),
    "cites": EdgeLook("引用法规", "#8d6e63", 1.0, True, True),
    "has-indicator": EdgeLook("量化指标", "#c9a400", 1.0, False, True),
    "depends-on": EdgeLook("依赖（先→后）", "#6a3d9a", 1.5, False, True),
    "duplicate-of": EdgeLook("重复", "#d55e00", 3.0, False, False),
    "overlaps-with": EdgeLook("交叉（一项包含另一项）", "#882255", 2.0, False, False),
    "restates": EdgeLook("措施复述任务（措施→任务）", "#44aa99", 1.5, False, True),
    "parallel-with": EdgeLook("并列", "#cc79a7", 1.5, True, False),
    "corresponds-to": EdgeLook("跨方案对应", "#009e73", 1.5, True, True),
    "broader": EdgeLook("上位类型", "#bdbdbd", 1.0, True, True),
    "part-of": EdgeLook("属于方案", "#cfd8dc", 0.5, False, False),
    "shares": EdgeLook("共担任务数", "#7986cb", 1.0, False, False),
}
assert set(NODE_LOOKS) == set(NODE_KINDS) and set(EDGE_LOOKS) == set(EDGE_KINDS)

ORPHAN_REASONS: dict[str, str] = {
    "collective_only": "只有集合性单位负责", "empty_task": "任务内容为空", "no_deadline": "没有完成时限",
    "open_ended": "责任单位未列全（“等”）", "no_requirements": "没有工作要求",
}


def short_label(text: str, limit: int = LABEL_CHARS) -> str:
    """The label drawn on the network: at most `limit` characters (a CJK character counts one, two ASCII
    characters count one), the rest replaced by "…"."""
    text = " ".join(text.split())
    width, cut = 0.0, 0
    for i, char in enumerate(text):
        width += 1.0 if ord(char) > 0x2E7F else 0.5
        if width > limit:
            return text[:cut].rstrip() + "…"
        cut = i + 1
    return text


def family_colour(family: str | None) -> str:
    if not family:
        return NO_FAMILY_COLOUR
    if family in FAMILY_COLOURS:
        return FAMILY_COLOURS[family]
    return EXTRA_COLOURS[hashlib.sha1(family.encode("utf-8")).digest()[0] % len(EXTRA_COLOURS)]


def _mix(colour: str, other: str, share: float) -> str:
    a = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b))


def function_colour(function: str | None, family: str | None) -> str:
    """The family's colour, in one of three shades chosen by the function (same function, same shade)."""
    base = family_colour(family)
    if not function or not family:
        return base
    shade = hashlib.sha1(function.encode("utf-8")).digest()[0] % 3
    return (base, _mix(base, "#ffffff", 0.35), _mix(base, "#000000", 0.25))[shade]


def node_options(node: Node) -> dict[str, Any]:
    """vis-network options of one node (no title: the page builds tooltips as DOM text)."""
    look = NODE_LOOKS[node.kind]
    background, border = look.colour, look.border
    if node.kind == "department":
        background = function_colour(node.function, node.family)
        border = _mix(background, "#000000", 0.3)
    options: dict[str, Any] = {"shape": look.shape, "size": look.size, "borderWidth": 1,
                               "color": {"background": background, "border": border,
                                         "highlight": {"background": background, "border": "#000000"}},
                               "font": {"size": FONT_SIZE, "color": "#212121"}}
    if node.kind == "cluster":
        kind_look = NODE_LOOKS.get(node.member_kind or "", look)
        tint = family_colour(node.family) if node.member_kind == "department" else kind_look.border
        options["color"] = {"background": _mix(tint, "#ffffff", 0.8), "border": tint,
                            "highlight": {"background": _mix(tint, "#ffffff", 0.6), "border": "#000000"}}
        options["borderWidth"] = 2
        options["shapeProperties"] = {"borderDashes": [5, 3]}
    if node.orphan_reasons:
        options["borderWidth"] = 4
        options["color"] = {"background": background, "border": ORPHAN_RING,
                            "highlight": {"background": background, "border": ORPHAN_RING}}
    return options


def edge_options(edge: Edge) -> dict[str, Any]:
    look = EDGE_LOOKS[edge.kind]
    # dependsOn points from the later duty to the one it waits for; the flow reads earlier → later
    arrow = ("from" if edge.kind == "depends-on" else "to") if look.arrow else ""
    options: dict[str, Any] = {"color": {"color": look.colour, "opacity": 0.75}, "width": look.width,
                               "dashes": look.dashes, "arrows": arrow}
    if edge.weight > 1 or edge.kind == "shares":
        options["weight"] = edge.weight
        options["width"] = min(6.0, look.width + 0.9 * (edge.weight - 1) ** 0.7)
    return options


def legend(nodes: list[Node], edges: list[Edge]) -> dict[str, list[dict[str, Any]]]:
    """The legend of what is on screen: node kinds, function families (with the functions present), edge
    kinds, the orphan ring."""
    kinds = {n.kind for n in nodes}
    families: dict[str, set[tuple[str, str]]] = {}
    for n in nodes:
        if n.kind == "department" or (n.kind == "cluster" and n.member_kind == "department"):
            families.setdefault(n.family or NO_FAMILY, set())
            if n.kind == "department" and n.function_label:
                families[n.family or NO_FAMILY].add((n.function_label, function_colour(n.function, n.family)))
    order = list(FAMILY_COLOURS) + sorted(set(families) - set(FAMILY_COLOURS) - {NO_FAMILY}) + [NO_FAMILY]
    edge_kinds = {e.kind for e in edges}
    return {
        "nodes": [{"kind": k, "label": NODE_LOOKS[k].label, "shape": NODE_LOOKS[k].shape,
                   "colour": NODE_LOOKS[k].colour, "border": NODE_LOOKS[k].border}
                  for k in NODE_KINDS if k in kinds],
        "families": [{"label": f, "colour": family_colour(None if f == NO_FAMILY else f),
                      "functions": [{"label": label, "colour": colour} for label, colour in sorted(families[f])]}
                     for f in order if f in families],
        "edges": [{"kind": k, "label": EDGE_LOOKS[k].label, "colour": EDGE_LOOKS[k].colour,
                   "dashes": EDGE_LOOKS[k].dashes} for k in EDGE_KINDS if k in edge_kinds],
        "orphan": [{"label": "橙色粗边框＝无人明确负责的任务", "colour": ORPHAN_RING}]
        if any(n.orphan_reasons for n in nodes) else [],
    }
