"""A synthetic corpus at scale for `make bench`: plans of other cities, districts and counties derived from the
two real documents (their rows, reworded and restyled), written in the layouts the real loaders read, with
known injected duplicates and orphans listed in labels.json. Deterministic for a seed.

Word-table plans (`.txt`, tab-separated, like the Chengdu export) take ~300 rows from the pooled rows of both
samples; every eighth plan is the Lintong PDF text with its city and district renamed (same name lengths, so
the PDF line wraps still read the same)."""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dutygraph.loaders import read_document
from dutygraph.loaders.records import TaskRecord

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
HEADER = "序号\t具体目标任务\t工作要求\t责任部门\t完成时限"
PDF_EVERY = 8

# (name, ascii slug); the level is the last character.
JURISDICTIONS = [
    ("绵阳市", "mianyang"), ("德阳市", "deyang"), ("宜宾市", "yibin"), ("南充市", "nanchong"), ("泸州市", "luzhou"),
    ("乐山市", "leshan"), ("宝鸡市", "baoji"), ("咸阳市", "xianyang"), ("洛阳市", "luoyang"), ("襄阳市", "xiangyang"),
    ("株洲市", "zhuzhou"), ("柳州市", "liuzhou"), ("遵义市", "zunyi"), ("曲靖市", "qujing"),
    ("宝鸡市渭滨区", "baoji_weibin"), ("绵阳市涪城区", "mianyang_fucheng"), ("德阳市旌阳区", "deyang_jingyang"),
    ("咸阳市秦都区", "xianyang_qindu"), ("宜宾市翠屏区", "yibin_cuiping"), ("南充市顺庆区", "nanchong_shunqing"),
    ("洛阳市西工区", "luoyang_xigong"), ("襄阳市樊城区", "xiangyang_fancheng"),
    ("绵阳市三台县", "mianyang_santai"), ("咸阳市泾阳县", "xianyang_jingyang"), ("宝鸡市岐山县", "baoji_qishan"),
    ("南充市仪陇县", "nanchong_yilong"), ("宜宾市江安县", "yibin_jiangan"), ("德阳市中江县", "deyang_zhongjiang"),
    ("汉中市城固县", "hanzhong_chenggu"), ("渭南市蒲城县", "weinan_pucheng"),
]
# Two-character city and district names, so the renamed Lintong text wraps exactly like the original.
PDF_PLACES = [("宝鸡", "渭滨", "baoji_weibin"), ("咸阳", "秦都", "xianyang_qindu"), ("渭南", "临渭", "weinan_linwei"),
              ("汉中", "汉台", "hanzhong_hantai"), ("铜川", "耀州", "tongchuan_yaozhou"), ("延安", "宝塔", "yanan_baota"),
              ("榆林", "榆阳", "yulin_yuyang"), ("安康", "汉滨", "ankang_hanbin")]
TITLES = ["{j}国家安全发展示范城市建设任务分工表", "{j}创建国家安全发展示范城市工作任务分解表",
          "{j}{y}年城市安全发展重点工作任务分工表"]
# Department names without the level prefix: the short style (市应急局) and the long one (市应急管理局).
LONG_NAMES = {
    "应急局": "应急管理局", "住建局": "住房和城乡建设局", "经信局": "经济和信息化局", "交运局": "交通运输局",
    "规自局": "规划和自然资源局", "发改委": "发展和改革委员会", "卫健委": "卫生健康委员会", "卫健局": "卫生健康局",
    "市场监管局": "市场监督管理局", "文广旅局": "文化广电旅游局", "文旅局": "文化和旅游局", "民宗局": "民族宗教事务局",
    "城管局": "城市管理局", "城管委": "城市管理委员会", "人防办": "人民防空办公室", "科技局": "科学技术局",
    "人社局": "人力资源和社会保障局", "公安交管局": "公安局交通管理局", "教育局": "教育局",
}
SHORT_NAMES = {long: short for short, long in LONG_NAMES.items() if long != short}
SHORT_NAMES["交通运输局"] = "交通局"
STYLES = ("as-written", "short", "long")
# Rewording that keeps a clause's leading action (so a reworded copy is still the same order) ...
FILLER = [("进一步", ""), ("各类", "各种"), ("有关", "相关"), ("资料齐全", "资料完整"), ("切实", ""), ("全面", "")]
# ... and rewording that changes it (a plain row of another plan says the same thing differently).
VERBS = [("加强", "强化"), ("开展", "组织开展"), ("制定", "制订"), ("督促", "推动"), ("确保", "保证")]
ORPHAN_KINDS = ("collective_only", "no_deadline", "open_ended")
_UNIT = re.compile(r"[^、，,；;\s]+")
_ITEM = re.compile(r"(?:^|\s*)(\d{1,2})[.．、]")


@dataclass
class Row:
    text: str
    requirements: str
    units: str
    deadline: str
    label: tuple[str, ...] = ()        # ("duplicate", key) or ("orphan", reason)


@dataclass
class PlanSpec:
    plan_id: str
    file: str
    layout: str
    jurisdiction: str
    level: str
    style: str
    tasks: int = 0
    duplicates: list[list[int]] = field(default_factory=list)
    orphans: list[dict[str, object]] = field(default_factory=list)


def source_rows(samples: Path = SAMPLES) -> list[TaskRecord]:
    """The rows every word-table plan draws from: Chengdu's table, Lintong's annex tables and schedule."""
    chengdu = read_document(samples / "chengdu_task_table.txt")
    lintong = read_document(samples / "lintong_plan.txt")
    return [t for t in chengdu.tasks + lintong.tasks if t.kind != "measure" and t.text]


def restyle_unit(name: str, level: str, short: str, style: str) -> str:
    """市应急局 → 区应急管理局 for a district plan in the long style; places and brigades follow the level."""
    name = name.replace("临潼", short).replace("成都", short)
    if name == "团市委" or name == "区团委":
        return f"团{level}委"
    if name == "各区(市)县政府" and level != "市":
        return "各乡镇人民政府"
    if name[:1] in "市区" and not name.startswith("区域"):
        body = name[1:]
        body = body.replace("消防救援支队", "消防救援大队" if level != "市" else "消防救援支队")
        body = body.replace("消防救援大队", "消防救援支队" if level == "市" else "消防救援大队")
        if style == "long":
            body = LONG_NAMES.get(body, body)
        elif style == "short":
            body = SHORT_NAMES.get(body, body)
        return level + body
    return name


def restyle_text(text: str, level: str, jurisdiction: str, short: str) -> str:
    text = text.replace("成都市", jurisdiction).replace("西安市临潼区", jurisdiction).replace("临潼区", jurisdiction)
    text = text.replace("成都", short).replace("临潼", short)
    for word in ("全市", "全区"):
        text = text.replace(word, "全" + level)
    return " ".join(text.split())


def reword(text: str, rng: random.Random, keep_action: bool) -> str:
    """Shuffle numbered items (1.… 2.…) and swap words; `keep_action` leaves the leading verbs alone."""
    parts = _ITEM.split(text)
    if len(parts) >= 5:                      # ['', '1', item, '2', item, …]
        items = [parts[k].strip() for k in range(2, len(parts), 2)]
        rng.shuffle(items)
        items = [i.rstrip("；;。") for i in items]
        text = " ".join(f"{n}.{item}{'。' if n == len(items) else '；'}" for n, item in enumerate(items, start=1))
    for old, new in FILLER + ([] if keep_action else VERBS):
        if old in text and rng.random() < 0.5:
            text = text.replace(old, new)
    return text


def shift_years(raw: str, years: int) -> str:
    return re.sub(r"20(\d\d)", lambda m: str(2000 + int(m.group(1)) + years), raw) if years else raw


def _row(task: TaskRecord, rng: random.Random, level: str, jurisdiction: str, short: str, style: str,
         years: int) -> Row:
    units = _UNIT.sub(lambda m: restyle_unit(m.group(), level, short, style), " ".join(task.units_raw.split()))
    if style == "long":
        units = units.replace(" ", "、")
    text = restyle_text(task.text, level, jurisdiction, short)
    if rng.random() < 0.4:
        text = reword(text, rng, keep_action=False)
    return Row(text, restyle_text(task.requirements, level, jurisdiction, short), units,
               shift_years(" ".join((task.deadline.raw if task.deadline else "").split()), years))


def _orphan(row: Row, reason: str, level: str) -> Row:
    if reason == "collective_only":
        return Row(row.text, row.requirements, f"{level}级各相关部门", row.deadline or "长期", ("orphan", reason))
    if reason == "no_deadline":
        return Row(row.text, row.requirements, row.units or f"{level}应急局", "", ("orphan", reason))
    first = _UNIT.findall(row.units)[:2] or [f"{level}应急局"]
    concrete = [u for u in first if not u.startswith(("各", f"{level}级"))] or [f"{level}应急局"]
    return Row(row.text, row.requirements, "、".join(concrete) + "等相关部门", row.deadline or "长期", ("orphan", reason))


def word_table_plan(index: int, pool: list[TaskRecord], rng: random.Random) -> tuple[PlanSpec, str]:
    jurisdiction, slug = JURISDICTIONS[index * 7 % len(JURISDICTIONS)]   # cities, districts, counties mixed
    level, short = jurisdiction[-1], jurisdiction[:-1].split("市")[-1] or jurisdiction[:-1]
    style, years = rng.choice(STYLES), rng.randrange(3)
    picked = rng.sample(range(len(pool)), min(len(pool) - 6, rng.randint(290, 330)))
    unused = [i for i in range(len(pool)) if i not in set(picked)]
    picked.sort(key=lambda i: (i // 25 + rng.random() * 4, i))      # sections move, rows inside mostly stay
    rows = [_row(pool[i], rng, level, jurisdiction, short, style, years) for i in picked]
    for key in range(rng.randint(2, 5)):     # a reworded copy later in the same plan
        at = rng.choice([k for k, row in enumerate(rows[:-1]) if not row.label])
        original = rows[at]
        original.label = ("duplicate", str(key))
        copy = Row(reword(original.text, rng, keep_action=True), original.requirements, original.units,
                   original.deadline, ("duplicate", str(key)))
        rows.insert(rng.randrange(at + 1, len(rows) + 1), copy)
    for reason in rng.sample(ORPHAN_KINDS, rng.randint(1, 3)):
        base = _row(pool[unused.pop(rng.randrange(len(unused)))], rng, level, jurisdiction, short, style, years)
        rows.insert(rng.randrange(len(rows) + 1), _orphan(base, reason, level))
    plan_id = f"p{index + 1:04d}_{slug}"
    spec = PlanSpec(plan_id, plan_id + ".txt", "word-table", jurisdiction, level, style, tasks=len(rows))
    pairs: dict[str, list[int]] = {}
    for number, row in enumerate(rows, start=1):
        if row.label[:1] == ("duplicate",):
            pairs.setdefault(row.label[1], []).append(number)
        elif row.label[:1] == ("orphan",):
            spec.orphans.append({"number": number, "reason": row.label[1]})
    spec.duplicates = [pairs[k] for k in sorted(pairs, key=int)]
    title = rng.choice(TITLES).format(j=jurisdiction, y=2020 + years)
    return spec, _table_text(title, rows, rng)


def _table_text(title: str, rows: list[Row], rng: random.Random) -> str:
    lines = ["", "", "附件", "", title, "", HEADER]
    next_header = rng.randint(8, 20)
    for number, row in enumerate(rows, start=1):
        if number == next_header:
            lines += ["", HEADER]
            next_header += rng.randint(8, 20)
        lines.append("\t".join([str(number), row.text, row.requirements, row.units, row.deadline]))
    return "\n".join(lines) + "\n"


def pdf_text_plan(index: int, lintong_text: str) -> tuple[PlanSpec, str]:
    city, district, slug = PDF_PLACES[(index // PDF_EVERY) % len(PDF_PLACES)]
    text = lintong_text.replace("临潼", district).replace("西安", city)
    plan_id = f"p{index + 1:04d}_{slug}"
    return PlanSpec(plan_id, plan_id + ".txt", "pdf-text", f"{city}市{district}区", "区", "as-written"), text


def generate(plans: int, seed: int, out: Path, samples: Path = SAMPLES) -> dict[str, Any]:
    """Write `plans` documents and labels.json into `out`; the same (plans, seed) gives the same bytes."""
    out.mkdir(parents=True, exist_ok=True)
    pool = source_rows(samples)
    lintong_text = (samples / "lintong_plan.txt").read_text(encoding="utf-8")
    specs: list[PlanSpec] = []
    for index in range(plans):
        rng = random.Random(f"{seed}:{index}")
        if index % PDF_EVERY == PDF_EVERY - 1:
            spec, text = pdf_text_plan(index, lintong_text)
        else:
            spec, text = word_table_plan(index, pool, rng)
        (out / spec.file).write_text(text, encoding="utf-8")
        if spec.layout == "pdf-text":
            spec.tasks = len(read_document(out / spec.file).tasks)
        specs.append(spec)
    labels = {"seed": seed, "plans": {s.plan_id: vars(s) for s in specs},
              "note": "duplicates and orphans list only what the generator injected; pdf-text plans are renamed "
                      "copies of the Lintong sample with its own (unlabelled) findings"}
    (out / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    return labels
