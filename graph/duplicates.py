"""Duplicated duties (the same action on the same object, written twice in one plan) versus parallel
families (one template repeated for different facilities or departments).

Lexical similarity only finds candidates (sparse TF-IDF top-k, per plan and kind, never all pairs);
the verdict compares the object slots: when each side names an object the other lacks (a facility
type, a place, an industry, a department), the two are parallel; otherwise a near-identical clause or
statement makes them duplicates. The same order worded differently (两客一危 / 长途客运车辆、旅游客车、
危险物品运输车辆; a short duty inside a long paragraph) is found on single orders (comma parts): their
action class and facility concepts (ontology/facilities.ttl, graph/paraphrases.py) must agree, and the
part with less content must be mostly contained in the other."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Iterable

from .paraphrases import (ACTION_CLASSES, ASPECTS, CLAUSE_FINAL_ACTIONS, COMPOSITE_FACILITIES, FILLER_WORDS,
                          PRODUCT_TYPES, TEXT_EXPANSIONS, WEAK_ACTIONS, WORD_SYNONYMS)
from .textsim import content_tokens, tfidf_matrix, top_k_pairs
from .vocabulary import vocabulary

CANDIDATE_THRESHOLD = 0.3
PARALLEL_THRESHOLD = 0.45
TEMPLATE_THRESHOLD = 0.85
CLAUSE_DUPLICATE = 0.7
STATEMENT_DUPLICATE = 0.7
_OBJECT_SUFFIX = re.compile(
    r"(场所|设施|设备|企业|项目|工程|行业|学校|医院|车站|机构|场馆|景区|饭店|超市|商场|市场|楼宇|建筑|房屋|管道|管网|"
    r"管线|隧道|桥梁|道路|公路|车辆|船舶|码头|港口|水库|矿山|园区|社区|乡镇|街道|农村|展馆|博物馆|养老院|体育馆|影剧院|"
    r"网吧|宗教|地铁|电梯|锅炉|燃气|电力|供水|排水|通信|危化品|危险化学品|烟花爆竹|金属冶炼|建筑施工|交通运输)$"
)
_CLAUSE_SPLIT = re.compile(r"(?:^|[；;。\n])\s*(?:\d{1,2}[.．、]|[（(]\d{1,2}[）)])?")
CLAUSE_MIN_TOKENS = 3
# Leading verbs: two clauses with different actions (启动 / 完成, 建设 / 管理) are never duplicates.
ACTIONS = frozenset(
    "制定 制修订 修订 编制 建立 建设 建成 完善 健全 开展 组织 督促 督查 监督 推进 推动 推行 落实 实施 加强 提升 设置 配置 配备 "
    "排查 整治 治理 检查 评估 审核 打击 查处 取缔 关闭 启动 完成 拟定 征求 印发 迎接 形成 摸排 绘制 发布 出台 引导 鼓励 "
    "培育 发展 规定 淘汰 消除 负责 回复 整合 梳理 合理布局 构建 搭建 升级 优化 改进 规范 明确 统筹 强化 深化 持续 严格 执行 "
    "理顺 拟定 研究 指导 开展 建立健全 依法依规 针对 按照 对照 结合 制作 试点 推广 完善 编制 审查".split()
)
BOILERPLATE_TASKS = 3   # a clause repeated in this many duties is template text, not evidence
# Slot matching (one order worded differently): candidate clause pairs come from the normalised clause
# TF-IDF at SLOT_CANDIDATE; the clause with less content must be SLOT_CONTAINMENT contained in the other.
SLOT_CANDIDATE = 0.3
SLOT_CONTAINMENT = 0.6
TEMPLATE_COPY = 0.85     # a clause with near-copies (this cosine) in BOILERPLATE_TASKS duties is template text


@dataclass(frozen=True)
class Finding:
    tasks: tuple[str, ...]
    kind: str            # duplicate | parallel
    score: float
    evidence: str

    def as_json(self) -> dict[str, Any]:
        return {"tasks": list(self.tasks), "kind": self.kind, "score": round(self.score, 3), "evidence": self.evidence}


def clauses(text: str) -> list[str]:
    """Numbered items and sentences of a statement (1.… 2.…; …。); a long sentence is also cut at its
    commas, since PDF plans pack several orders into one sentence."""
    out: list[str] = []
    for sentence in _CLAUSE_SPLIT.split(text):
        sentence = sentence.strip(" ，,")
        if len(sentence) < 4:
            continue
        out.append(sentence)
        if len(sentence) > 40:
            out += [part.strip() for part in re.split(r"[，,]", sentence) if len(part.strip()) >= 8]
    return out


def order_parts(text: str) -> list[list[str]]:
    """The single orders of a statement, sentence by sentence (numbered items and sentences), each sentence
    cut at its commas: these plans write one order per comma part (「加强X管理，严防Y」 is two orders)."""
    out = []
    for sentence in _CLAUSE_SPLIT.split(text):
        parts = [part.strip() for part in re.split(r"[，,]", sentence)]
        parts = [part for part in parts if len(part) >= 6]
        if parts:
            out.append(parts)
    return out


def _order_slots(text: str) -> list[tuple[str, Slots]]:
    """Each order part with its slots; a part naming no object orders something about the object of the
    part before it in the same sentence (「实施两客一危专项治理，强制安装监控装置」)."""
    out = []
    for sentence in order_parts(text):
        before: Slots | None = None
        for part in sentence:
            slot = slots(part)
            if not slot.objects and before is not None and before.objects:
                slot = replace(slot, objects=before.objects, kinds=before.kinds, inherited=True,
                               words=slot.words + tuple("@" + o[len(FAC):] for o in sorted(before.objects)))
            out.append((part, slot))
            before = slot
    return out


@lru_cache(maxsize=100_000)
def action_of(clause: str) -> str | None:
    """The clause's leading action verb, if it starts with one (after adverbs like 全面, 定期)."""
    from .tokenize import tokens

    for token in tokens(clause)[:4]:
        if token in ACTIONS:
            return token
    return None


@lru_cache(maxsize=100_000)
def _is_object(token: str) -> bool:
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


def _different_kinds(a: Slots, b: Slots, shared: Iterable[str]) -> bool:
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
    from .tokenize import tokens

    vocab = vocabulary()
    for short, full in TEXT_EXPANSIONS.items():
        clause = clause.replace(short, full)
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
    for token in content_tokens(clause):
        if token in FILLER_WORDS:
            continue
        tagged = vocab.facility_labels.get(token)
        if tagged:
            words += ["@" + c[len(FAC):] for c in _concepts(tagged)]
        elif token in ACTION_CLASSES:
            words.append("#" + ACTION_CLASSES[token])
        else:
            words.append(WORD_SYNONYMS.get(token, token))
    products = {kind for t in raw for suffix, kind in PRODUCT_TYPES.items() if t.endswith(suffix)}
    aspects = {kind for t in raw for key, kind in ASPECTS.items() if key in t}
    return Slots(frozenset(actions), frozenset(objects), tuple(words), frozenset(kinds), frozenset(products),
                 frozenset(aspects))


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


def _uncovered(mine: Iterable[str], theirs: Iterable[str]) -> list[str]:
    """My objects the other side does not name (a broader concept does not count: 高危行业 does not
    cover 非煤矿山 when the other side's own subject is 交通运输)."""
    theirs = set(theirs)
    return [o for o in mine if o not in theirs]


def _conflict(a: Iterable[str], b: Iterable[str]) -> bool:
    """Each side names an object the other lacks: a template repeated for another facility."""
    a, b = list(a), list(b)
    return bool(_uncovered(a, b)) and bool(_uncovered(b, a))


def _task_objects(task: dict[str, Any]) -> frozenset[str]:
    labels = vocabulary().facility_labels
    return frozenset(c for label in task.get("facility_types") or [] if label in labels
                     for c in _concepts(labels[label]))


def _statement(task: dict[str, Any]) -> str:
    return task.get("text") or task.get("requirements") or ""


def find_in_plan(tasks: list[dict[str, Any]]) -> list[Finding]:
    """Duplicate pairs and parallel families among the duties of one plan (compared within a kind)."""
    findings: list[Finding] = []
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        if task["kind"] != "measure" and _statement(task):
            by_kind.setdefault(task["kind"], []).append(task)
    for group in by_kind.values():
        findings += _find(group)
    return findings


def _find(tasks: list[dict[str, Any]]) -> list[Finding]:
    docs = [content_tokens(_statement(t)) for t in tasks]
    matrix = tfidf_matrix(docs)
    clause_owner: list[int] = []
    clause_docs: list[list[str]] = []
    clause_text: list[str] = []
    for i, task in enumerate(tasks):
        units = clauses(_statement(task)) or [_statement(task)]
        if task.get("text") and task.get("requirements"):
            units += clauses(task["requirements"])
        for clause in dict.fromkeys(units):
            clause_owner.append(i)
            clause_docs.append(content_tokens(clause))
            clause_text.append(clause)
    clause_matrix = tfidf_matrix(clause_docs)
    best_clause: dict[tuple[int, int], tuple[float, int, int]] = {}
    for ci, cj, score in top_k_pairs(clause_matrix, clause_matrix, k=8, threshold=CLAUSE_DUPLICATE):
        a, b = clause_owner[ci], clause_owner[cj]
        if a > b:
            a, b, ci, cj = b, a, cj, ci
        if a < b and len(clause_docs[ci]) >= CLAUSE_MIN_TOKENS and len(clause_docs[cj]) >= CLAUSE_MIN_TOKENS \
                and score > best_clause.get((a, b), (0.0, 0, 0))[0]:
            best_clause[(a, b)] = (score, ci, cj)
    slot_owner: list[int] = []
    slot_text: list[str] = []
    slot_of: list[Slots] = []
    for i, task in enumerate(tasks):
        units = [_statement(task)] + ([task["requirements"]] if task.get("text") and task.get("requirements") else [])
        for part, slot in dict.fromkeys(p for unit in units for p in _order_slots(unit)):
            slot_owner.append(i)
            slot_text.append(part)
            slot_of.append(slot)
    best_slot = _slot_matches(slot_owner, slot_of)
    statement_sim: dict[tuple[int, int], float] = {}
    for i, j, score in top_k_pairs(matrix, matrix, k=10, threshold=CANDIDATE_THRESHOLD):
        if i < j:
            statement_sim[(i, j)] = score
    # Short templates (制定X安全管理标准) are mostly object: compare what is left without the objects.
    objects = [[t for t in doc if _is_object(t)] for doc in docs]
    templates = [[t for t in doc if not _is_object(t)] for doc in docs]
    template_matrix = tfidf_matrix(templates, max_df=0.9)
    template_pairs: set[tuple[int, int]] = set()
    for i, j, score in top_k_pairs(template_matrix, template_matrix, k=10, threshold=TEMPLATE_THRESHOLD):
        if i < j and objects[i] and objects[j] and set(objects[i]) != set(objects[j]) and len(templates[i]) >= 2:
            template_pairs.add((i, j))
            statement_sim[(i, j)] = max(statement_sim.get((i, j), 0.0), PARALLEL_THRESHOLD)
    clause_key = [" ".join(d) for d in clause_docs]
    key_owners: dict[str, set[int]] = {}
    for owner, key in zip(clause_owner, clause_key):
        key_owners.setdefault(key, set()).add(owner)
    facilities = [set(t.get("facility_types") or []) for t in tasks]
    first_action = [action_of((clauses(_statement(t)) or [_statement(t)])[0]) for t in tasks]
    duplicates: list[Finding] = []
    parallel_edges: list[tuple[int, int, float, str]] = []
    task_objects = [_task_objects(t) for t in tasks]
    for pair in sorted(set(statement_sim) | set(best_clause) | set(best_slot)):
        i, j = pair
        sim = statement_sim.get(pair, 0.0)
        set_i, set_j = set(docs[i]), set(docs[j])
        only_i = [t for t in dict.fromkeys(docs[i]) if t not in set_j]
        only_j = [t for t in dict.fromkeys(docs[j]) if t not in set_i]
        clause_match = best_clause.get(pair)
        if clause_match:
            score, ci, cj = clause_match
            boilerplate = len(key_owners.get(clause_key[ci], ())) >= BOILERPLATE_TASKS
            ci_only = set(clause_docs[ci]) - set(clause_docs[cj])
            cj_only = set(clause_docs[cj]) - set(clause_docs[ci])
            other_object = any(map(_is_object, ci_only)) and any(map(_is_object, cj_only))
            if (not boilerplate and not other_object and len(clause_docs[ci]) >= 2
                    and action_of(clause_text[ci]) == action_of(clause_text[cj])):
                duplicates.append(Finding((tasks[i]["id"], tasks[j]["id"]), "duplicate", max(score, sim),
                                          f"same action and object: 「{clause_text[ci]}」 / 「{clause_text[cj]}」"))
                continue
        slot_match = best_slot.get(pair)
        template = sim >= PARALLEL_THRESHOLD and _conflict(task_objects[i], task_objects[j])
        if slot_match and not template:
            score, ci, cj, why = slot_match
            duplicates.append(Finding((tasks[i]["id"], tasks[j]["id"]), "duplicate", max(score, sim),
                                      f"same action and object ({why}): 「{slot_text[ci]}」 / 「{slot_text[cj]}」"))
            continue
        same_action = first_action[i] == first_action[j] or None in (first_action[i], first_action[j])
        if sim >= PARALLEL_THRESHOLD and only_i and only_j and same_action:
            objects_i = [t for t in only_i if _is_object(t)] or only_i
            objects_j = [t for t in only_j if _is_object(t)] or only_j
            parallel_edges.append((i, j, sim, f"same template, different objects: {'、'.join(objects_i[:3])} / {'、'.join(objects_j[:3])}"))
        elif sim >= STATEMENT_DUPLICATE and first_action[i] == first_action[j]:
            duplicates.append(Finding((tasks[i]["id"], tasks[j]["id"]), "duplicate", sim,
                                      "one statement orders everything the other does"))
    return duplicates + _families(tasks, parallel_edges)


def _slot_matches(owner: list[int], found: list[Slots]) -> dict[tuple[int, int], tuple[float, int, int, str]]:
    """Clause pairs of two duties that order the same action on the same object in other words: a shared
    action class and facility concept, no object on each side that the other lacks, the smaller clause
    mostly contained in the other (IDF-weighted, over normalised words), and neither clause template text
    (near-copied in BOILERPLATE_TASKS duties). Best pair per duty pair: (containment, clause, clause, why)."""
    if not found:
        return {}
    df: Counter[str] = Counter()
    for slot in found:
        df.update(set(slot.words))
    n = len(found)
    idf = {w: math.log((1 + n) / (1 + c)) + 0.1 for w, c in df.items()}

    def contained(a: tuple[str, ...], b: tuple[str, ...]) -> float:
        sa, sb = set(a), set(b)
        total = sum(idf[w] for w in sa)
        return sum(idf[w] for w in sa & sb) / total if total else 0.0

    matrix = tfidf_matrix([s.words for s in found])
    candidates = list(top_k_pairs(matrix, matrix, k=8, threshold=SLOT_CANDIDATE))
    own = [s.words[:len(s.words) - len(s.objects)] if s.inherited else s.words for s in found]
    same: dict[tuple[str, ...], set[int]] = {}
    for k, words in enumerate(own):
        same.setdefault(words, set()).add(owner[k])
    copies = {k: set(same[words]) for k, words in enumerate(own)}   # clause -> duties with a (near) copy
    for ci, cj, score in candidates:
        if score >= TEMPLATE_COPY:
            copies[ci].add(owner[cj])
    best: dict[tuple[int, int], tuple[float, int, int, str]] = {}
    for ci, cj, _ in candidates:
        a, b = owner[ci], owner[cj]
        if a >= b or len(copies.get(ci, ())) >= BOILERPLATE_TASKS or len(copies.get(cj, ())) >= BOILERPLATE_TASKS:
            continue
        si, sj = found[ci], found[cj]
        actions, objects = si.actions & sj.actions, si.objects & sj.objects
        if not actions or not objects or _conflict(si.objects, sj.objects) or _different_kinds(si, sj, objects) \
                or (si.products and sj.products and not si.products & sj.products) \
                or (si.aspects and sj.aspects and not si.aspects & sj.aspects):
            continue
        if (si.inherited or sj.inherited) and not any(w[0] not in "#@" for w in set(si.words) & set(sj.words)):
            continue        # an inherited object needs the part's own words to agree as well
        score = max(contained(si.words, sj.words), contained(sj.words, si.words))
        if score >= SLOT_CONTAINMENT and score > best.get((a, b), (0.0,))[0]:
            labels = vocabulary().facility_pref
            why = "、".join(sorted(actions)) + " / " + "、".join(sorted(labels.get(o, o) for o in objects))
            best[(a, b)] = (score, ci, cj, why)
    return best


def _families(tasks: list[dict[str, Any]], edges: Iterable[tuple[int, int, float, str]]) -> list[Finding]:
    """Parallel pairs joined into families (connected components): one finding per template."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    scores: dict[int, list[float]] = {}
    evidence: dict[int, str] = {}
    edges = list(edges)
    for i, j, _, _ in edges:
        parent[root(i)] = root(j)
    for i, j, score, why in edges:
        r = root(i)
        scores.setdefault(r, []).append(score)
        evidence.setdefault(r, why)
    members: dict[int, list[int]] = {}
    for node in list(parent):
        members.setdefault(root(node), []).append(node)
    out = []
    for r, group in members.items():
        ids = tuple(tasks[k]["id"] for k in sorted(group))
        out.append(Finding(ids, "parallel", sum(scores[r]) / len(scores[r]), evidence[r]))
    return sorted(out, key=lambda f: f.tasks)
