"""Column meanings by header text, not by position: 序号, 具体目标任务, 工作要求, 责任部门, 完成时限 …"""
from __future__ import annotations

import re

# meaning -> header words that carry it (checked in order; the first meaning that matches wins)
HEADER_MEANINGS: list[tuple[str, tuple[str, ...]]] = [
    ("number", ("序号", "编号", "序")),
    ("persons", ("牵头领导", "责任领导", "分管领导", "联系领导", "包抓领导", "责任人", "负责人", "牵头市领导", "牵头区领导",
                 "牵头县领导", "分管市领导", "分管区领导", "分管县领导", "市领导", "区领导", "县领导")),
    ("lead", ("牵头单位", "牵头部门", "牵头负责部门", "牵头负责单位", "主责单位", "主责部门", "主办单位", "主办部门", "牵头")),
    ("support", ("配合单位", "配合部门", "协办单位", "协办部门", "参与单位", "参与部门", "协助单位", "协同单位", "配合")),
    # bodies that score or check the work (评分部门): named in the row, never responsible for it
    ("scorer", ("评分部门", "评分单位", "考评部门", "考评单位", "考核部门", "考核单位", "督查部门", "督查单位", "督办单位")),
    ("units", ("主要责任单位", "主要责任部门", "责任部门", "责任单位", "责任主体", "承办单位", "负责单位", "实施单位", "落实单位", "负责部门",
               "责任科室", "责任处室", "承担处室", "责任股室", "责任清单")),
    ("deadline", ("完成时限", "完成时间", "时间节点", "时限", "进度安排", "完成期限", "时间要求", "时间安排", "完成节点", "时间进度",
                   "完成时间节点", "时限清单")),
    ("requirements", ("工作要求", "工作标准", "具体要求", "考核要求", "工作目标")),
    ("text", ("具体目标任务", "主要目标任务", "目标任务", "工作任务", "阶段性工作任务", "任务内容", "重点任务", "主要任务", "工作内容",
              "具体措施", "工作措施", "细化措施", "目标与任务", "考核内容", "任务措施", "重点工作任务", "重点工作", "工作事项", "事项", "任务清单", "建设任务",
              "任务")),
]


def header_meaning(cell: str) -> str | None:
    """The meaning of one header cell, or None when it is not a header we know."""
    compact = re.sub(r"\s+", "", cell)
    if not compact:
        return None
    for meaning, words in HEADER_MEANINGS:
        if any(compact == w or (w in compact and len(compact) <= len(w) + 4) for w in words):
            return meaning
    alternatives = [header_meaning(part) for part in compact.split("或") if part] if "或" in compact else []
    if "lead" in alternatives:     # 责任单位或牵头单位: the column names its units as the leads
        return "lead"
    first = re.split(r"[与及和或]", compact, maxsplit=1)[0]
    if first and first != compact:     # 责任主体与协同单位, 责任单位及责任人: the first part names the column
        return header_meaning(first)
    noted = re.fullmatch(r"(.+?)[（(][^（）()]*[）)]", compact)
    if noted:                          # 重点工作任务(杭州市2项配合工作): a note after the header word
        return header_meaning(noted.group(1))
    return None


def map_header(cells: list[str]) -> dict[str, int] | None:
    """Column index by meaning when `cells` is a header row (序号 + a task column + a unit column), else None.
    Of several task-like columns (工作目标 | 工作内容 | 工作措施) the last one before the units is the duty: the
    ones before it are the headings it falls under."""
    mapping: dict[str, int] = {}
    for index, cell in enumerate(cells):
        meaning = header_meaning(cell)
        if meaning and meaning not in mapping:
            mapping[meaning] = index
    label = _task_label(cells, mapping)
    if label is not None:
        mapping["text"] = label
    if "text" in mapping and ("units" in mapping or "lead" in mapping) and len(mapping) >= 3:
        first_unit = min(mapping.get("units", len(cells)), mapping.get("lead", len(cells)))
        texts = [i for i, c in enumerate(cells[:first_unit]) if header_meaning(c) == "text"]
        mapping["text"] = texts[-1] if texts else mapping["text"]
        return mapping
    return None


def _task_label(cells: list[str], mapping: dict[str, int]) -> int | None:
    """专项整治行业名称 | 时间安排 | 责任单位: a header of known words but for one short label before the units and
    no task column names the task column by that label (what each row is about)."""
    if "text" in mapping or "units" not in mapping and "lead" not in mapping or len(mapping) < 2:
        return None
    unknown = [i for i, c in enumerate(cells) if c.strip() and header_meaning(c) is None]
    first_unit = min(mapping.get("units", len(cells)), mapping.get("lead", len(cells)))
    if len(unknown) != 1 or unknown[0] > first_unit:
        return None
    label = re.sub(r"\s+", "", cells[unknown[0]])
    return unknown[0] if 2 <= len(label) <= 10 and re.fullmatch(r"[\u4e00-\u9fff]+", label) else None
