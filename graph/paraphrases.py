"""Domain wording knowledge for comparing duties across phrasings: which verbs order the same action,
which abbreviations stand for several facility types, and which words are interchangeable spellings of
one object. Facility concepts themselves (with their altLabels, e.g. 粉尘涉爆 = 粉尘防爆, 油气长输管道 =
石油天然气输送管道) live in ontology/facilities.ttl; this module only holds what is not a facility
concept. Used by graph/duplicates.py to compare the action and object slots of two clauses.

Every entry is general Chinese safety-administration usage, not a pair taken from a particular plan.
PARAPHRASES rewrites a clause before it is cut into words (a role system is the staffing of the role).
The second half reads a clause into its slots (`slots`): what it orders, on which facility concepts."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .textsim import content_tokens
from .vocabulary import vocabulary

# --- Actions ---------------------------------------------------------------------------------------
# Surface verb (or verbal noun, as in 改造率 / 执法检查) -> action class. Two clauses can only order the
# same thing when they share a class. Classes are kept narrow on purpose: 制定 (draft a rule) is not
# 推进 (promote compliance), 检查 (inspect) is not 检测 (technical testing) nor 评估 (risk assessment).
ACTION_CLASSES: dict[str, str] = {
    # drafting rules, plans, standards
    "制定": "draft", "制修订": "draft", "修订": "draft", "编制": "draft", "拟定": "draft", "出台": "draft",
    # equipping people and kit
    "配备": "equip", "配置": "equip", "配足": "equip", "配齐": "equip", "配强": "equip",
    # installing devices
    "安装": "install", "加装": "install",
    # putting up signs, barriers, posts
    "设置": "set-up", "增设": "set-up",
    # administrative inspection (监督检查, 执法检查, 安全检查, 专项检查 …)
    "检查": "inspect", "执法检查": "inspect", "监督检查": "inspect", "安全检查": "inspect",
    "专项检查": "inspect", "监察": "inspect", "督查": "inspect", "巡查": "inspect",
    # technical testing of equipment and structures (定期检验 of pipelines = 定期检测)
    "检测": "test", "检验": "test", "定期检验": "test", "定期检测": "test",
    # risk assessment
    "评估": "assess", "风险评估": "assess",
    # hazard screening is the inspection of a place for hazards: 开展X隐患排查 orders what 开展X检查 does
    "排查": "inspect",
    # remediation campaigns (隐患治理, 专项整治)
    "治理": "remediate", "整治": "remediate", "专项整治": "remediate", "整改": "remediate",   # 隐患整改 = 隐患治理
    # renovation of old installations
    "改造": "renovate", "维修改造": "renovate", "升级改造": "renovate",
    # drawing maps
    "绘制": "map",
    # making insurance / schemes mandatory or in force (实行安全生产责任保险 = 实施安全生产责任保险)
    "实行": "enforce", "推行": "enforce", "推广": "enforce",
    # cracking down on violations
    "打击": "crack-down", "查处": "crack-down", "取缔": "crack-down",
    # listing major hazards for supervised rectification (挂牌督办 = 挂牌整治: the same procedure)
    "挂牌督办": "flag", "挂牌整治": "flag", "挂牌": "flag",
    # surveying and recording risk sources (普查建档, 辨识建档)
    "普查": "survey", "建档": "survey",
}
# 实施 is both "put in force" and a governing verb (实施…工程): it counts as 实行 only when nothing more
# specific follows in the clause.
WEAK_ACTIONS: dict[str, str] = {"实施": "enforce"}
# 管理 ends "加强X管理" (the clause's order is to manage X); elsewhere it is part of a noun (安全管理办法).
CLAUSE_FINAL_ACTIONS: dict[str, str] = {"管理": "manage", "监管": "manage"}

# --- Objects ---------------------------------------------------------------------------------------
# Abbreviations standing for several facility types at once (facility concept slug -> the slugs it
# names), so that 两客一危 matches 长途客运车辆、旅游客车、危险物品运输车辆.
COMPOSITE_FACILITIES: dict[str, tuple[str, ...]] = {
    # 两客一危: 长途客运车辆、旅游客车 (两客) and 危险货物运输车辆 (一危)
    "two-passenger-one-danger": ("passenger-vehicle", "dangerous-goods-vehicle"),
    # 两重点一重大: 重点监管的危险化工工艺、重点监管的危险化学品 and 危险化学品重大危险源
    "two-key-one-major": ("hazardous-chemical-process", "hazardous-chemicals", "major-hazard-source"),
}

# Interchangeable spellings of one word that are not facility types (left -> right).
WORD_SYNONYMS: dict[str, str] = {
    "热力": "供热",            # 热力管网 = 供热管网
    "石油天然气": "油气",       # 石油天然气输送 = 油气输送
    "装置": "设备",            # 监控装置 = 监控设备
    "技术装备": "设备",
    "经理人": "经理",
    "安全隐患": "隐患",        # 安全隐患 = 事故隐患 = 隐患 in these plans
    "事故隐患": "隐患",
    "责任险": "责任保险",       # 安全生产责任险 = 安全生产责任保险
    "标准化建设": "标准化",     # 安全生产标准化建设 / 达标 / 创建: one campaign
    "标准化达标": "标准化",
}

# Paraphrases rewritten in the clause text before segmentation, each holding for any plan (pattern ->
# replacement). A role system (楼长制, 消防安全经理人制度, 网格员制度) exists where the role is staffed:
# 推行高层建筑楼长制度 orders what 高层建筑配备楼长 does, and 设置 a person is 配备 one.
ROLES = "楼长|经理人|网格员|安全员|信息员|管理员|河长|湖长|林长|路长"
PARAPHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"(?:推行|实行|建立|落实|全面推行)([^，,。；;]{{0,16}}?(?:{ROLES}))制度?(?=[，,。；;、]|$)"), r"配备\1"),
    (re.compile(rf"设置([^，,。；;]{{0,12}}?(?:{ROLES}))"), r"配备\1"),
)


def rewrite(text: str) -> str:
    """The clause with abbreviations expanded and role systems read as staffing."""
    for short, full in TEXT_EXPANSIONS.items():
        text = text.replace(short, full)
    for pattern, replacement in PARAPHRASES:
        text = pattern.sub(replacement, text)
    return text

# Abbreviations rewritten in the clause text before segmentation (jieba would cut them into characters).
TEXT_EXPANSIONS: dict[str, str] = {
    "定检率": "定期检验率",     # 定检 = 定期检验 (periodic statutory inspection of pipelines, special equipment)
}

# Words that say how or where an order applies, not what it orders: left out when comparing clauses.
FILLER_WORDS = frozenset(
    "涉及 条件 规范 按规定 强制 大力 逐步 合适 达到 切实 深入开展 进一步 紧紧围绕 做到 实现 采用 先进 "
    "重点 领域 方面 存在 不断 全部".split()
)

# What a drafting or building order produces (a token ending in the key names that kind of document or
# system). Two clauses that produce different kinds (制定X管理办法 / 制定X考核发证制度, 专项规划 / 防治方案)
# order different things even with the same verb and object. 制度 and 机制 are used interchangeably.
PRODUCT_TYPES: dict[str, str] = {
    "规划": "plan", "计划": "schedule", "方案": "scheme",
    "办法": "rules", "细则": "rules", "条例": "rules",      # not 规定: mostly 按照规定 (as prescribed)
    "标准": "standard", "规范": "standard",
    "制度": "institution", "机制": "institution",
    "预案": "contingency-plan", "手册": "handbook",
    "台账": "register", "档案": "register", "清单": "register",
    "平台": "platform", "系统": "platform",
    "政策": "policy", "白皮书": "white-paper", "分布图": "map",
}

# The aspect an order looks at (a token containing the key): 隐患排查 (hazards) is not 抗震风险排查
# (seismic risk). Two clauses that both state an aspect must share one.
ASPECTS: dict[str, str] = {"隐患": "hazard", "风险": "risk", "抗震": "seismic"}

# Words that name a stage of one piece of work (启动 / 完成, 征求意见稿 / 送审稿, 可研 / 验收 阶段): two clauses
# that differ only in one of these order different steps, a parallel pair, never a duplicate.
PHASES: dict[str, str] = {"启动": "start", "铺开": "start", "完成": "finish", "征求意见稿": "consultation-draft",
                         "送审稿": "review-draft", "第一次": "first", "一次": "first", "第二次": "second",
                         "可研": "feasibility", "试运营": "trial", "验收": "acceptance"}
PHASE_WORDS: tuple[str, ...] = (*PHASES, "阶段")
# Adverbs and governing verbs that change how an order is phrased, not what it orders: removed before
# two clauses are compared character by character (大力推进X / 积极推进X / 全面扎实开展X).
PHRASING_WORDS: tuple[str, ...] = (
    "进一步", "积极", "大力", "全面", "持续", "加快", "切实", "按规定", "按照规定", "依法依规", "依法", "严格", "深入",
    "扎实", "逐步", "有序", "不断", "着力", "认真", "定期", "督促", "组织", "做好", "相关", "有关", "各类", "主要", "重点")
# "As planned": says when, and names no 计划 (schedule) that is ordered.
AS_PLANNED = frozenset(("按计划", "按照计划"))


# --- Slots: what a clause orders --------------------------------------------------------------------
_OBJECT_SUFFIX = re.compile(
    r"(场所|设施|设备|企业|项目|工程|行业|学校|医院|车站|机构|场馆|景区|饭店|超市|商场|市场|楼宇|建筑|房屋|管道|管网|"
    r"管线|隧道|桥梁|道路|公路|车辆|船舶|码头|港口|水库|矿山|园区|社区|乡镇|街道|农村|展馆|博物馆|养老院|体育馆|影剧院|"
    r"网吧|宗教|地铁|电梯|锅炉|燃气|电力|供水|排水|通信|危化品|危险化学品|烟花爆竹|金属冶炼|建筑施工|交通运输|工业)$"
)


@lru_cache(maxsize=100_000)
def is_object(token: str) -> bool:
    """A token naming what an order is about: a facility label, a unit, or a word with an object suffix."""
    vocab = vocabulary()
    return token in vocab.facility_labels or _OBJECT_SUFFIX.search(token) is not None or token in _unit_labels()


@lru_cache(maxsize=1)
def _unit_labels() -> frozenset[str]:
    return frozenset(label for (_, label) in vocabulary().units)


FAC = "https://w3id.org/dutygraph/facility/"
_WORDY = re.compile(r"[\u4e00-\u9fffA-Za-z]")


@dataclass(frozen=True)
class Slots:
    """What a clause orders: its action classes, the facility concepts it names, and its content words
    normalised (facility labels to their concept, verbs to their action class, synonyms to one spelling)."""
    actions: frozenset[str]
    objects: frozenset[str]
    words: tuple[str, ...]
    kinds: frozenset[tuple[str, str]] = frozenset()   # (concept, qualifier) when a label narrows it
    products: frozenset[str] = frozenset()            # kinds of document or system it produces
    aspects: frozenset[str] = frozenset()             # hazards, risks, seismic safety …
    inherited: bool = False                           # objects taken from the part before it


def different_kinds(a: Slots, b: Slots, shared: Iterable[str]) -> bool:
    """Both clauses narrow a shared concept, differently (城市桥梁 / 公路桥梁): different objects."""
    for concept in shared:
        qa = {q for c, q in a.kinds if c == concept}
        qb = {q for c, q in b.kinds if c == concept}
        if qa and qb and not qa & qb:
            return True
    return False


def _concepts(concept: str) -> tuple[str, ...]:
    """A facility concept, or the concepts an abbreviation stands for (两客一危 → 客运车辆, 危险货物运输车辆)."""
    parts = COMPOSITE_FACILITIES.get(concept[len(FAC):]) if concept.startswith(FAC) else None
    return tuple(FAC + p for p in parts) if parts else (concept,)


@lru_cache(maxsize=200_000)
def slots(clause: str) -> Slots:
    """The action classes, facility concepts and normalised content words of one clause."""
    from .tokenize import tokens

    vocab = vocabulary()
    clause = rewrite(clause)
    every = tokens(clause)
    raw = [t for t in every if _WORDY.search(t)]
    actions = {ACTION_CLASSES[t] for t in raw if t in ACTION_CLASSES}
    for k, token in enumerate(every):          # 加强X管理， / 加强X管理。: the order is to manage X
        if token in CLAUSE_FINAL_ACTIONS and (k + 1 == len(every) or not _WORDY.search(every[k + 1])):
            actions.add(CLAUSE_FINAL_ACTIONS[token])
    if not actions:
        actions = {WEAK_ACTIONS[t] for t in raw if t in WEAK_ACTIONS}
    objects: set[str] = set()
    kinds: set[tuple[str, str]] = set()
    for concept, label in _tag(clause, raw):
        objects.update(_concepts(concept))
        pref = vocab.facility_pref.get(concept, "")
        if pref and pref in label and pref != label:      # 城市桥梁 / 公路桥梁: kinds of 桥梁
            kinds.add((concept, label.replace(pref, "")))
    words: list[str] = []
    for token in _joined(content_tokens(clause)):
        if token in FILLER_WORDS or token in AS_PLANNED:
            continue
        tagged = vocab.facility_labels.get(token)
        if tagged:
            words += ["@" + c[len(FAC):] for c in _concepts(tagged)]
        elif token in ACTION_CLASSES:
            words.append("#" + ACTION_CLASSES[token])
        else:
            words.append(WORD_SYNONYMS.get(token, token))
    products = {kind for t in raw if t not in AS_PLANNED for suffix, kind in PRODUCT_TYPES.items() if t.endswith(suffix)}
    aspects = {kind for t in raw for key, kind in ASPECTS.items() if key in t}
    return Slots(frozenset(actions), frozenset(objects), tuple(words), frozenset(kinds), frozenset(products),
                 frozenset(aspects))


def _joined(tokens: list[str]) -> list[str]:
    """Tokens with an action jieba cut in two joined again (监督 + 检查 = 监督检查, 专项 + 整治 = 专项整治)."""
    out: list[str] = []
    for token in tokens:
        if out and out[-1] + token in ACTION_CLASSES:
            out[-1] += token
        else:
            out.append(token)
    return out


@lru_cache(maxsize=1)
def _bracket_labels() -> tuple[tuple[str, str], ...]:
    """Facility labels jieba cannot hold as one word (加油（气）站): matched as substrings."""
    return tuple((label, concept) for label, concept in vocabulary().facility_labels.items()
                 if any(ch in label for ch in "（）()、"))


def _tag(clause: str, words: list[str]) -> list[tuple[str, str]]:
    """(concept, label) for the facility types a clause names — what facilities.tag_facilities finds, from
    tokens already cut, with the bracketed labels prepared once."""
    labels = vocabulary().facility_labels
    found: dict[str, str] = {}
    for token in words:
        concept = labels.get(token)
        if concept and concept not in found:
            found[concept] = token
    for label, concept in _bracket_labels():
        if concept not in found and label in clause:
            found[concept] = label
    return list(found.items())


def uncovered(mine: Iterable[str], theirs: Iterable[str]) -> list[str]:
    """My objects the other side does not name (a broader concept does not count: 高危行业 does not
    cover 非煤矿山 when the other side's own subject is 交通运输)."""
    theirs = set(theirs)
    return [o for o in mine if o not in theirs]


@lru_cache(maxsize=20_000)
def _lineage(concept: str) -> frozenset[str]:
    """A facility concept and every broader one (学校 → 人员密集场所)."""
    return frozenset((concept, *vocabulary().ancestors(concept)))


def within(mine: Iterable[str], theirs: Iterable[str]) -> bool:
    """Every concept of mine is one of theirs or a kind of one (客运车辆 within 交通运输、建筑施工)."""
    theirs = frozenset(theirs)
    return all(_lineage(c) & theirs for c in mine)


def task_objects(task: dict[str, Any]) -> frozenset[str]:
    """The facility concepts a duty's record names (its facility_types), composites expanded."""
    labels = vocabulary().facility_labels
    return frozenset(c for label in task.get("facility_types") or [] if label in labels
                     for c in _concepts(labels[label]))


