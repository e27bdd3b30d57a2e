"""Task dependencies: A depends on B when A needs what B builds. Output: {"from": A, "to": B, "kind", "evidence"}.
Four kinds, each with its evidence phrase:
- explicit: A relies on, uses, connects to, reports into or follows an artefact (平台, 系统, 机制, 制度, 规划, 台账 …)
  that B's statement creates (建立/建设/制定/编制/印发 …). The artefact may be named with other modifiers or
  abbreviated (应急管理指挥平台 ~ 应急指挥平台); B's own requirements may say what its artefact is used to make
  (依托系统绘制…分布图: whoever draws that map needs B); a duty that builds what B's 建设计划/规划 plans needs B;
  a schedule step that acts on the findings of an earlier step (针对…复核中存在问题) needs that step;
- construction_then_operation: B builds or pilots X (an artefact or a facility of the vocabulary: 建设应急避难场所,
  推进综合管廊建设), A operates, maintains, manages or rolls out X (日常管理, 管理维护, 运行 …);
- schedule_order: a step of a schedule table (附件3) needs the latest earlier step of the same work stream
  (拟定 → 征求意见 → 印发 one plan; 全面启动 → 全面完成 one job), found by clause-level text similarity;
- measure_to_task: a narrative measure needs the decomposition duties that implement it (best TF-IDF match).
Every rule works plan by plan and costs about linear time in the plan's duties (indexes, no all-pairs loops
except over one plan's schedule, which is short)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .textsim import STOPWORDS, content_tokens, tfidf_matrix, top_k_pairs

# ---------------------------------------------------------------------------------------------- cue tables
# Verbs by which a statement makes something (a platform, a rule, a plan, a map, a document …).
_CREATE_VERBS = ("建立健全", "建立完善", "建立", "建设", "建成", "搭建", "构建", "制定", "制订", "编制", "制修订", "设立",
                 "出台", "组建", "健全", "完善", "印发", "拟定", "绘制", "研发", "开发")
_CREATE = "(?:" + "|".join(_CREATE_VERBS) + ")"
# Head nouns of the artefacts a duty can build and another can use.
_HEADS = ("平台", "系统", "机制", "制度", "办法", "规划", "方案", "计划", "台账", "预案", "数据库", "清单", "标准", "基地",
          "队伍", "场所", "中心", "地图", "分布图", "目录", "规范", "细则", "体系", "网络", "档案", "名录", "白皮书", "库")
_HEADS_LONGEST_FIRST = tuple(sorted(_HEADS, key=len, reverse=True))
_HEAD = "(?:" + "|".join(_HEADS_LONGEST_FIRST) + ")"
_HEAD_RE = re.compile(_HEAD)
# Heads that name the same kind of thing (a 信息平台 is often called 系统 in the next sentence).
_SAME_HEAD = {"系统": "平台"}
# Verbs a created name may start with, left over from a chain of verbs (建立完善并落实…).
_LEADING_VERBS = re.compile(r"^(?:实施|落实|完善|健全|推进|开展|并|统筹|加快|全面|初步|逐步)+")
# Words that separate the parts of an enumeration or a modifier from its noun: a built name never spans them.
_SOFT = r"[的、和与及或“”‘’\"《》]|(?<![同平高中初])等(?![级同])"       # inside one noun phrase
_HARD = r"[，,；;。：:\s]|\d+[.、．]|（\d+）|\(\d+\)"                     # between phrases
_SEGMENT_SPLIT = re.compile(_SOFT + "|" + _HARD)
_PART = re.compile(r"(?:(?!" + _SEGMENT_SPLIT.pattern + r").)+")
# Between a part and a later part of the same phrase: a 的 or 等 on the way makes the first a modifier.
_MODIFIES = re.compile(r"(?:(?!" + _HARD + r").)*?(?:的|(?<![同平高中初])等(?![级同]))(?:(?!" + _HARD + r").)*$")
# Version marks of a draft document: 《…方案（征求意见稿）》 is the same 方案.
_DRAFT_MARK = re.compile(r"[（(](?:征求意见稿|送审稿|草案|讨论稿|试行)[)）]")
# Words by which a duty uses, feeds or follows something another duty builds.
_USE_CUES = ("依托", "利用", "接入", "对接", "纳入", "报送", "上报", "传输", "共享", "按照", "根据", "基于", "运用", "通过",
             "依据", "落实", "执行", "运行", "维护", "管理", "使用", "演练", "推广", "更新", "完善", "对照")
# Use cues that lead a reference: the artefact follows them (依托应急管理指挥平台, 对照实施方案).
_LEADING_USE = re.compile("(?:依托|利用|接入|对接|纳入|报送至|报送|上报至|上报|传输至|按照|根据|基于|运用|依据|对照|执行)")
# A mention right after a making verb is the duty's own product, not a use.
_MADE_HERE = re.compile(_CREATE + r"[\u4e00-\u9fff]{0,2}$")
# What may stand right before a shortened name (a tail of the built name) when it is a reference to it.
_FREE_BEFORE = re.compile(r"(?:[^\u4e00-\u9fff]|[与和及至入的在将向对把由从]|" + "|".join(_USE_CUES) + "|" + _CREATE[3:-1]
                          + r"|全市|全区|全县|本市|本区)$")
# Words right next to the artefact that mean the duty runs it rather than merely uses it.
_OPERATE = re.compile(r"(?:运行|维护|日常管理|管理|使用|演练|检测|推广|应用|更新|运营)")
# Running a built facility: a duty that maintains or manages what another builds.
_FACILITY_OPERATE = re.compile(r"^的?(?:管理维护|运行维护|维护管理|日常管理|日常维护|运营管理|运行管理|养护|运维)")
_FACILITY_RUN_WORD = re.compile(_FACILITY_OPERATE.pattern[3:])          # anywhere: worth looking closer
# Building a facility: 建设X / 新建X / X建设 (not X建设规划 — that is a plan — nor X建设率, an indicator).
_FACILITY_BUILD_BEFORE = re.compile(r"(?:建设|新建|建成|改扩建)$")
_FACILITY_NAME_ENDS = re.compile(r"^(?:[^\u4e00-\u9fff]|[、和与及等]|$)")   # 建设应急避难场所。, not 建设…管廊安全监测系统
_FACILITY_BUILD_WORD = re.compile(r"建设|新建|建成|改扩建")
_FACILITY_BUILD_AFTER = re.compile(r"^(?:建设|新建|建成)(?!规划|计划|方案|率|标准|项目|管理|工作方案)")
# A plan for building something: 安全设施建设计划 → whoever builds 安全设施 needs the plan.
_BUILD_PLAN = re.compile(r"(?P<what>.{4,}?)(?:建设|改造|建设改造)(?:实施方案|计划|规划|方案)$")
_BUILT_AFTER = re.compile(r"^[\u4e00-\u9fff（）()]{0,8}?(?:建设|建成)")
# Making something with one's own artefact (依托系统绘制…分布图): the artefact is what the other duty needs.
_SELF_USE = re.compile(r"(?:依托|利用|通过|运用|基于)(?:该|此|本)?(?P<ref>[\u4e00-\u9fff]{0,10}?" + _HEAD + ")"
                       + r"(?P<verb>绘制|编制|生成|形成|制作|建立|开展|实现)(?P<rest>[^，,；;。\n]{2,40})")
# Piloting and rolling out: B runs a pilot of X (推行安全生产责任保险制度试点), A rolls X out (试点推广安全生产责任险的应用).
_PILOT = re.compile(r"(?P<what>[\u4e00-\u9fff]{4,20}?)(?:工作)?试点")
_ROLL_OUT = re.compile(r"(?:推广应用|推广|推行|全面实施)(?P<what>[\u4e00-\u9fff]{4,20})")
_PILOT_LEAD = re.compile(r"^(?:开展|推行|推进|组织|实施|探索|启动|全面)+")
# Acting on the findings of an earlier step: 针对省、市复核中存在问题…, 针对第一次自评存在突出问题…
_FOLLOW_UP = re.compile(r"针对(?P<what>[^，,；;。\n]{1,16}?)(?:中|过程中)?(?:存在|发现|暴露|反馈)(?:的)?(?:突出|主要)?问题")

MIN_NAME = 6            # a built name shorter than this ties two duties only through the fuzzy / schedule rules
MIN_MODIFIER = 4        # fuzzy matching needs this many characters before the head (信息平台 is too generic)
STREAM_THRESHOLD = 0.35  # clause cosine (character bigrams) for two schedule steps to be one work stream
MEASURE_THRESHOLD = 0.25


# ----------------------------------------------------------------------------------------- what a duty builds
def _canonical_head(name: str) -> tuple[str, str]:
    """(modifier, canonical head) of a built or referenced name: 应急指挥平台 → ('应急指挥', '平台')."""
    for head in _HEADS_LONGEST_FIRST:
        if name.endswith(head):
            return name[: -len(head)], _SAME_HEAD.get(head, head)
    return name, ""


def _names_in(span: str) -> list[str]:
    """The names ending in an artefact head in a span of text, split at enumeration marks and 的. Parts that
    modify or exemplify a later noun are not names: 人员密集场所 in …等人员密集场所的大客流监测预警平台,
    宗教活动场所 in 制修订…、宗教活动场所、…等各类设施安全管理办法."""
    out = []
    span = _DRAFT_MARK.sub("", span)
    parts = [m for m in _PART.finditer(span) if m.group().strip()]
    for k, m in enumerate(parts):
        seg = m.group().strip()
        if any(_MODIFIES.match(span, m.end(), later.start()) for later in parts[k + 1:] if later.start() > m.end()):
            continue
        if _canonical_head(_LEADING_VERBS.sub("", seg))[0]:      # 落实应急预案 → 应急预案, but 实施方案 stays
            seg = _LEADING_VERBS.sub("", seg)
        if seg.endswith(("建设", "建设工作")):      # 推进应急平台建设 → 应急平台
            seg = seg[: seg.rindex("建设")]
        head = re.search(_HEAD + "$", seg)
        if head and len(seg) > len(head.group()):
            out.append(seg)
    return out


@lru_cache(maxsize=200_000)
def _created(text: str) -> tuple[tuple[str, bool, int], ...]:
    """(name, titled, position) of each thing a statement builds: '建立城市安全风险管理信息平台' →
    ('城市安全风险管理信息平台', False, 2); a document title in 《》 counts as titled."""
    out = []
    for m in re.finditer(_CREATE, text):
        end = m.end()
        stops = [i for i in (text.find(c, end) for c in "，,；;。\n") if i >= 0]
        clause = text[end: min(stops) if stops else len(text)]
        if clause.startswith("《") and "》" in clause:
            title = _DRAFT_MARK.sub("", clause[1: clause.index("》")])
            if _canonical_head(title)[1]:
                out.append((title, True, end))
                continue
        out += [(name, False, end) for name in _names_in(clause)[:3]]
    first: dict[str, tuple[str, bool, int]] = {}
    for found in out:
        first.setdefault(found[0], found)
    return tuple(first.values())


def created_artefacts(text: str) -> list[str]:
    """What a statement builds: '建立城市安全风险管理信息平台' → ['城市安全风险管理信息平台']."""
    return [name for name, _, _ in _created(text)]


def _key_forms(thing: str) -> list[str]:
    """The artefact (6+ characters) and its tails of 8+ characters (城市安全风险管理信息平台 → 安全风险管理信息平台 …;
    信息平台 alone is too generic to tie two duties together)."""
    forms = [thing] if len(thing) >= MIN_NAME else []
    forms += [thing[cut:] for cut in range(2, len(thing) - 7)]   # tails of at least 8 characters
    return forms


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _fuzzy_same(ref: str, built: str) -> bool:
    """Two names of one artefact with different modifiers: same head, the shorter modifier (4+ characters,
    same first two) reads inside the longer in order (应急指挥平台 ~ 应急管理指挥平台; 系统 ~ 平台)."""
    (mr, hr), (mb, hb) = _canonical_head(ref), _canonical_head(built)
    if not hr or hr != hb:
        return False
    short, long = sorted((mr, mb), key=len)
    return (len(short) >= MIN_MODIFIER and short[:2] == long[:2] and len(short) * 2 >= len(long)
            and _is_subsequence(short, long))


def _occurrences(text: str, word: str) -> list[int]:
    out, pos = [], text.find(word)
    while pos >= 0:
        out.append(pos)
        pos = text.find(word, pos + 1)
    return out


def _text(task: dict[str, Any]) -> str:
    return "\n".join(x for x in (task.get("text"), task.get("requirements")) if x)


def _sentence(text: str, pos: int) -> str:
    start = max(text.rfind("；", 0, pos), text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [i for i in (text.find("；", pos), text.find("。", pos), text.find("\n", pos)) if i >= 0]
    return text[start: min(ends) if ends else len(text)].strip()


# ------------------------------------------------------------------------------------------------ entry point
def find_dependencies(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    by_plan: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        by_plan.setdefault(task["plan"]["id"], []).append(task)
    for items in by_plan.values():
        out += _artefact_links(items)
        out += _self_use_links(items)
        out += _facility_links(items)
        out += _build_plan_links(items)
        out += _pilot_links(items)
        out += _schedule_links(items)
        out += _measure_links(items)
    seen: set[tuple[str, str]] = set()
    unique = []
    for dep in out:
        key = (dep["from"], dep["to"])
        if key not in seen and dep["from"] != dep["to"]:
            seen.add(key)
            unique.append(dep)
    return unique


def _ordered(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """A may depend on B: any two duties, but a schedule step only on an earlier step."""
    if a["kind"] == "schedule" and b["kind"] == "schedule":
        return b["number"] < a["number"]
    return True


def _artefact_links(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    duties = [t for t in tasks if t["kind"] != "measure"]
    builders: dict[str, list[tuple[dict[str, Any], str]]] = {}   # key form → (duty building it, part cut off)
    by_head: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}   # (head, first two) → (name, duty)
    for task in duties:
        for thing, _, _ in _created(task.get("text") or ""):
            for form in _key_forms(thing):
                builders.setdefault(form, []).append((task, thing[: len(thing) - len(form)]))
            modifier, head = _canonical_head(thing)
            if head and len(modifier) >= MIN_MODIFIER:
                by_head.setdefault((head, modifier[:2]), []).append((thing, task))
    if not builders and not by_head:
        return []
    # every key form ends with an artefact head: where a head ends in a text, look the lengths up
    lengths: dict[str, list[int]] = {}
    for form in builders:
        lengths.setdefault(form[-1], []).append(len(form))
    lengths = {ch: sorted(set(ls), reverse=True) for ch, ls in lengths.items()}
    out = []
    for task in duties:
        text = _text(task)
        own = [name for name, _, _ in _created(task.get("text") or "")]
        for form in _forms_in(text, lengths, builders):
            if any(form in thing for thing in own):
                continue
            uses: dict[str, tuple[str, str] | None] = {}
            for maker, cut in builders[form]:
                if cut not in uses:
                    uses[cut] = _use_of(text, form, cut)
                use = uses[cut]
                if use is not None and maker["id"] != task["id"] and _ordered(task, maker):
                    kind, evidence = use
                    out.append({"from": task["id"], "to": maker["id"], "kind": kind, "evidence": evidence,
                                "artefact": form})
        # references led by a use cue, matched to what another duty builds under another modifier
        for ref, pos in _references(text):
            modifier, head = _canonical_head(ref)
            if len(modifier) < MIN_MODIFIER or any(ref in thing or thing in ref for thing in own):
                continue
            for thing, maker in by_head.get((head, modifier[:2]), ()):
                if maker["id"] != task["id"] and _ordered(task, maker) and _fuzzy_same(ref, thing):
                    out.append({"from": task["id"], "to": maker["id"], "kind": "explicit",
                                "evidence": _sentence(text, pos), "artefact": thing})
    return out


def _forms_in(text: str, lengths: dict[str, list[int]], builders: dict[str, list]) -> list[str]:
    """Every key form occurring in text, longest first at each place (a tail inside a longer name too)."""
    hits: dict[str, None] = {}
    for m in _HEAD_RE.finditer(text):
        end = m.end()
        for size in lengths.get(text[end - 1], ()):
            if size <= end and text[end - size: end] in builders:
                hits[text[end - size: end]] = None
    return list(hits)


def _references(text: str) -> list[tuple[str, int]]:
    """Names an artefact after a leading use cue: '依托应急管理指挥平台，构建…' → [('应急管理指挥平台', 2)]."""
    out = []
    for m in _LEADING_USE.finditer(text):
        stops = [i for i in (text.find(c, m.end()) for c in "，,；;。\n") if i >= 0]
        span = text[m.end(): min(stops) if stops else len(text)]
        head = re.search(_HEAD, span)
        if head:
            names = _names_in(span[: head.end()])
            if names:
                out.append((names[-1], m.start()))
    return out


def _use_of(text: str, form: str, tail_of: str = "") -> tuple[str, str] | None:
    """(kind, evidence sentence) for the first mention of `form` that a use cue stands next to, not made here
    (依托系统绘制…分布图 makes the map). A tail of a longer name (tail_of: the part cut off) must stand free:
    after a cue, a verb or a mark, or after the same modifier."""
    pos = -1
    while (pos := text.find(form, pos + 1)) >= 0:
        before = text[max(0, pos - 12): pos]
        after = text[pos + len(form): pos + len(form) + 12]
        whole = bool(tail_of) and before.endswith(tail_of)          # the full name stands here after all
        if not any(cue in before + after for cue in _USE_CUES) or \
                _MADE_HERE.search(before[: len(before) - len(tail_of)] if whole else before):
            continue
        if tail_of and not whole and not _FREE_BEFORE.search(before):
            continue      # 规划安全评估论证制度 is not the 建设项目实施前安全评估论证制度 whose tail it shares
        kind = "construction_then_operation" if _OPERATE.search(after[:6] + before[-6:]) else "explicit"
        return kind, _sentence(text, pos)
    return None


def _self_use_links(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """B builds a platform and its requirements say what is made with it (依托系统绘制…空间分布图):
    a duty whose statement makes that thing depends on B."""
    made: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for task in tasks:
        if task["kind"] == "measure":
            continue
        heads = {_canonical_head(name)[1] for name in created_artefacts(task.get("text") or "")}
        text = _text(task)
        for m in _SELF_USE.finditer(text) if heads else ():
            if _canonical_head(m.group("ref"))[1] not in heads:
                continue
            for thing in _names_in(m.group("rest")):
                for form in _key_forms(thing):
                    made.setdefault(form, []).append((task, _sentence(text, m.start())))
    out = []
    for task in tasks if made else ():
        if task["kind"] == "measure":
            continue
        statement = task.get("text") or ""
        for form, makers in made.items():
            if form in statement:
                out += [{"from": task["id"], "to": maker["id"], "kind": "explicit", "evidence": evidence,
                         "artefact": form} for maker, evidence in makers if maker["id"] != task["id"]]
    return out


@lru_cache(maxsize=1)
def _facility_labels() -> dict[str, tuple[str, ...]]:
    """Facility concept → its labels, longest first (from the curated vocabulary)."""
    from .vocabulary import vocabulary

    out: dict[str, list[str]] = {}
    for label, concept in vocabulary().facility_labels.items():
        out.setdefault(concept, []).append(label)
    return {c: tuple(sorted(labels, key=len, reverse=True)) for c, labels in out.items()}


def _facility_links(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """B builds a facility of the vocabulary (建设应急避难场所, 推进综合管廊建设), A maintains or runs the same
    facility under any of its labels (地下综合管廊管理维护, 应急避难场所的日常管理)."""
    from .vocabulary import vocabulary

    concept_of, labels = vocabulary().facility_labels, _facility_labels()
    builds: dict[str, list[dict[str, Any]]] = {}
    runs: list[tuple[dict[str, Any], str, str]] = []
    for task in tasks:
        if task["kind"] == "measure":
            continue
        statement, text = task.get("text") or "", _text(task)
        may_build, may_run = bool(_FACILITY_BUILD_WORD.search(statement)), bool(_FACILITY_RUN_WORD.search(text))
        if not (may_build or may_run):
            continue
        for concept in sorted({concept_of[f] for f in task.get("facility_types") or () if f in concept_of}):
            built = ran = False
            for label in labels.get(concept, ()):
                for start in _occurrences(statement, label) if may_build and not built else ():
                    end = start + len(label)
                    if (_FACILITY_BUILD_BEFORE.search(statement[max(0, start - 3): start])
                            and _FACILITY_NAME_ENDS.search(statement[end: end + 1])) or \
                            _FACILITY_BUILD_AFTER.search(statement[end: end + 6]):
                        built = True
                for start in _occurrences(text, label) if may_run and not ran else ():
                    if _FACILITY_OPERATE.search(text[start + len(label): start + len(label) + 6]):
                        runs.append((task, concept, _sentence(text, start)))
                        ran = True
                        break
            if built:
                builds.setdefault(concept, []).append(task)
    out = []
    for task, concept, evidence in runs:
        makers = builds.get(concept, [])
        if task in makers:
            continue
        out += [{"from": task["id"], "to": maker["id"], "kind": "construction_then_operation", "evidence": evidence}
                for maker in makers if _ordered(task, maker)]
    return out


def _pilot_links(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """B pilots X, A rolls X out (named with other words: 责任保险制度 ~ 责任险), construction_then_operation."""
    pilots: dict[str, list[tuple[str, dict[str, Any]]]] = {}      # first two characters → (X, duty)
    for task in tasks:
        statement = task.get("text") or ""
        for m in _PILOT.finditer(statement) if task["kind"] != "measure" and "试点" in statement else ():
            what = _PILOT_LEAD.sub("", m.group("what"))
            if len(what) >= MIN_MODIFIER:
                pilots.setdefault(what[:2], []).append((what, task))
    out = []
    for task in tasks if pilots else ():
        if task["kind"] == "measure":
            continue
        statement = task.get("text") or ""
        for m in _ROLL_OUT.finditer(statement):
            what = re.split(r"[的和与及等]", m.group("what"))[0]
            for piloted, maker in pilots.get(what[:2], ()):
                short, long = sorted((what, piloted), key=len)
                if maker["id"] != task["id"] and len(short) >= MIN_MODIFIER and len(short) * 2 >= len(long) \
                        and _is_subsequence(short, long) and _ordered(task, maker):
                    out.append({"from": task["id"], "to": maker["id"], "kind": "construction_then_operation",
                                "evidence": _sentence(statement, m.start()), "artefact": piloted})
    return out


def _build_plan_links(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """B draws up a plan for building X (制订安全设施建设计划, 编制城市综合管廊建设规划); A builds X."""
    plans: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        if task["kind"] == "measure":
            continue
        for name in created_artefacts(task.get("text") or ""):
            m = _BUILD_PLAN.match(name)
            if m:
                what = m.group("what")
                for form in {what} | {what[cut:] for cut in range(1, len(what) - 3)}:
                    plans.setdefault(form, []).append(task)
    plans = {form: plans[form] for form in sorted(plans, key=lambda f: (-len(f), f))}   # the fullest name first
    out = []
    for task in tasks if plans else ():
        if task["kind"] == "measure":
            continue
        statement = task.get("text") or ""
        done: set[str] = set()
        for form, makers in plans.items():
            pos = statement.find(form)
            if pos < 0 or not _BUILT_AFTER.search(statement[pos + len(form):]):
                continue
            for maker in makers:
                if maker["id"] != task["id"] and maker["id"] not in done and task not in plans.get(form, []) \
                        and _ordered(task, maker):
                    done.add(maker["id"])
                    out.append({"from": task["id"], "to": maker["id"], "kind": "explicit",
                                "evidence": _sentence(statement, pos), "artefact": form})
    return out


# ------------------------------------------------------------------------------------------------ schedules
_CLAUSES = re.compile(r"[；;。\n]|（\d+）|\(\d+\)")


def _bigrams(text: str) -> list[str]:
    text = re.sub(r"[^\u4e00-\u9fff]+", " ", text)
    return [text[i: i + 2] for i in range(len(text) - 1) if " " not in text[i: i + 2] and text[i: i + 2] not in STOPWORDS]


def _schedule_links(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    steps = sorted((t for t in tasks if t["kind"] == "schedule"), key=lambda t: t["number"])
    if len(steps) < 2:
        return []
    out = []
    # follow-up on the findings of an earlier step: the latest earlier step that did that work
    for i, step in enumerate(steps):
        for m in _FOLLOW_UP.finditer(step.get("text") or ""):
            key = re.sub(r"[^\u4e00-\u9fff]", "", m.group("what"))[-2:]    # 省、市复核 → 复核, 第一次自评 → 自评
            if len(key) < 2:
                continue
            earlier = next((s for s in reversed(steps[:i]) if key in (s.get("text") or "")), None)
            if earlier is not None:
                out.append({"from": step["id"], "to": earlier["id"], "kind": "explicit",
                            "evidence": _sentence(step["text"], m.start())})
    # a bare reference (对照实施方案) to a document an earlier step issued: the latest titled one, else the latest
    for i, step in enumerate(steps):
        text = step.get("text") or ""
        for m in _LEADING_USE.finditer(text):
            ref = next(iter(_names_in(text[m.end(): m.end() + 12])), None)
            if not ref or len(_canonical_head(ref)[0]) >= MIN_MODIFIER:
                continue
            makers = [(titled, j, s) for j, s in enumerate(steps[:i])
                      for name, titled, _ in _created(s.get("text") or "") if name.endswith(ref)]
            if makers:
                _, _, maker = max(makers, key=lambda x: (x[0], x[1]))
                out.append({"from": step["id"], "to": maker["id"], "kind": "explicit",
                            "evidence": _sentence(text, m.start()), "artefact": ref})
    # the same work stream: each clause follows the latest earlier step with a clause much like it
    clauses = [(i, c.strip("，, ")) for i, s in enumerate(steps) for c in _CLAUSES.split(s.get("text") or "")]
    clauses = [(i, c) for i, c in clauses if len(c) >= 4]
    if len(clauses) < 2:
        return out
    matrix = tfidf_matrix([_bigrams(c) for _, c in clauses], max_df=0.3)
    sims = (matrix @ matrix.T).tocsr()
    for x, (i, clause) in enumerate(clauses):
        row = sims.getrow(x)
        best = None
        for y, score in zip(row.indices, row.data):
            j = clauses[y][0]
            if j < i and score >= STREAM_THRESHOLD and (best is None or j > best[0]):
                best = (j, score, clauses[y][1])
        if best is not None:
            a, b = steps[best[0]], steps[i]
            out.append({"from": b["id"], "to": a["id"], "kind": "schedule_order",
                        "evidence": f"schedule step {b['number']} 「{clause}」 continues step {a['number']} 「{best[2]}」"
                                    + (f" ({a['deadline']['raw']} → {b['deadline']['raw']})"
                                       if a.get("deadline") and b.get("deadline") else ""),
                        "score": round(float(best[1]), 3)})
    return out


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
