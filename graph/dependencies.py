"""Task dependencies: A depends on B when A needs what B builds. Four kinds, each with its evidence:
- explicit: A relies on, uses, connects to or reports into an artefact (平台, 系统, 机制, 制度, 规划, 台账 …)
  that B's statement creates (建立/建设/制定/编制 …);
- construction_then_operation: B builds or pilots X, A operates, maintains, manages or rolls out X;
- schedule_order: each step of a schedule table needs the step before it;
- measure_to_task: a narrative measure needs the decomposition duties that implement it."""
from __future__ import annotations

import re
from typing import Any

from .textsim import content_tokens, tfidf_matrix, top_k_pairs

_CREATE = r"(?:建立健全|建立完善|建立|建设|建成|搭建|构建|制定|编制|制修订|设立|出台|组建|健全|完善)"
_ARTEFACT = (r"(?:平台|系统|机制|制度|办法|规划|方案|台账|预案|数据库|清单|标准|基地|队伍|场所|中心|地图|分布图|"
             r"目录|规范|细则|体系|网络|档案|名录|白皮书|库)")
_CREATES = re.compile(_CREATE + r"(?P<thing>[\u4e00-\u9fff“”A-Za-z]{0,24}" + _ARTEFACT + r")")
_LEADING_VERBS = re.compile(r"^(?:实施|落实|完善|健全|推进|开展|并)+")
_USE_CUES = ("依托", "利用", "接入", "对接", "纳入", "报送", "上报", "传输", "共享", "按照", "根据", "基于", "运用", "通过",
             "依据", "落实", "执行", "运行", "维护", "管理", "使用", "演练", "推广", "更新", "完善")
_OPERATE = re.compile(r"(?:运行|维护|日常管理|管理|使用|演练|检测|推广|应用|更新|运营)")


def created_artefacts(text: str) -> list[str]:
    """What a statement builds: '建立城市安全风险管理信息平台' → ['城市安全风险管理信息平台']."""
    return [_LEADING_VERBS.sub("", m.group("thing")) for m in _CREATES.finditer(text)]


def _key_forms(thing: str) -> list[str]:
    """The artefact (6+ characters) and its tails of 8+ characters (城市安全风险管理信息平台 → 安全风险管理信息平台 …;
    信息平台 alone is too generic to tie two duties together)."""
    forms = [thing] if len(thing) >= 6 else []
    forms += [thing[cut:] for cut in range(2, len(thing) - 7)]   # tails of at least 8 characters
    return forms


def find_dependencies(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    by_plan: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        by_plan.setdefault(task["plan"]["id"], []).append(task)
    for items in by_plan.values():
        out += _artefact_links(items)
        out += _schedule_order(items)
        out += _measure_links(items)
    seen: set[tuple[str, str]] = set()
    unique = []
    for dep in out:
        key = (dep["from"], dep["to"])
        if key not in seen and dep["from"] != dep["to"]:
            seen.add(key)
            unique.append(dep)
    return unique


def _artefact_links(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    duties = [t for t in tasks if t["kind"] != "measure"]
    builders: dict[str, list[dict[str, Any]]] = {}
    for task in duties:
        for thing in created_artefacts(task.get("text") or ""):
            for form in _key_forms(thing):
                builders.setdefault(form, []).append(task)
    out = []
    for task in duties:
        text = "\n".join(x for x in (task.get("text"), task.get("requirements")) if x)
        own = set(created_artefacts(task.get("text") or ""))
        for form, makers in builders.items():
            if form not in text or any(form in thing for thing in own):
                continue
            found = _use_of(text, form)
            if found is None:
                continue
            kind, evidence = found
            for maker in makers:
                if maker["id"] != task["id"]:
                    out.append({"from": task["id"], "to": maker["id"], "kind": kind,
                                "evidence": evidence, "artefact": form})
    return out


def _use_of(text: str, form: str) -> tuple[str, str] | None:
    """(kind, evidence sentence) for the first mention of `form` that a use cue stands next to."""
    for match in re.finditer(re.escape(form), text):
        pos = match.start()
        before = text[max(0, pos - 12): pos]
        after = text[match.end(): match.end() + 12]
        if not any(cue in before + after for cue in _USE_CUES):
            continue
        kind = "construction_then_operation" if _OPERATE.search(after[:6] + before[-6:]) else "explicit"
        start = max(text.rfind("；", 0, pos), text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1
        ends = [i for i in (text.find("；", pos), text.find("。", pos), text.find("\n", pos)) if i >= 0]
        return kind, text[start: min(ends) if ends else len(text)].strip()
    return None


def _schedule_order(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    steps = sorted((t for t in tasks if t["kind"] == "schedule"), key=lambda t: t["number"])
    return [{"from": b["id"], "to": a["id"], "kind": "schedule_order",
             "evidence": f"schedule step {b['number']} follows step {a['number']}"
                         + (f" ({a['deadline']['raw']} → {b['deadline']['raw']})" if a.get("deadline") and b.get("deadline") else "")}
            for a, b in zip(steps, steps[1:])]


MEASURE_THRESHOLD = 0.25


def _measure_links(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each decomposition duty is linked to the narrative measure it implements (best TF-IDF match)."""
    measures = [t for t in tasks if t["kind"] == "measure"]
    duties = [t for t in tasks if t["kind"] == "task"]
    if not measures or not duties:
        return []
    docs = [content_tokens((t.get("text") or "") + (t.get("requirements") or "")) for t in duties + measures]
    matrix = tfidf_matrix(docs, max_df=0.9)
    duty_rows, measure_rows = matrix[: len(duties)], matrix[len(duties):]
    out = []
    for i, j, score in top_k_pairs(duty_rows, measure_rows, k=1, threshold=MEASURE_THRESHOLD):
        out.append({"from": measures[j]["id"], "to": duties[i]["id"], "kind": "measure_to_task",
                    "evidence": f"duty {duties[i]['number']} implements measure {measures[j]['number']} "
                                f"(text similarity {score:.2f})", "score": round(score, 3)})
    return out
