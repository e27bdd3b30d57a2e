"""Duplicated duties (the same action on the same object, written twice in one plan) versus parallel
families (one template repeated for different facilities or departments).

Lexical similarity only finds candidates (sparse TF-IDF top-k, per plan and kind, never all pairs);
the verdict compares the object slots: when each side names an object the other lacks (a facility
type, a place, an industry, a department), the two are parallel; otherwise a near-identical clause or
statement makes them duplicates."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

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
    for pair in sorted(set(statement_sim) | set(best_clause)):
        i, j = pair
        sim = statement_sim.get(pair, 0.0)
        set_i, set_j = set(docs[i]), set(docs[j])
        only_i = [t for t in dict.fromkeys(docs[i]) if t not in set_j]
        only_j = [t for t in dict.fromkeys(docs[j]) if t not in set_i]
        clause = best_clause.get(pair)
        if clause:
            score, ci, cj = clause
            boilerplate = len(key_owners.get(clause_key[ci], ())) >= BOILERPLATE_TASKS
            ci_only = set(clause_docs[ci]) - set(clause_docs[cj])
            cj_only = set(clause_docs[cj]) - set(clause_docs[ci])
            other_object = any(map(_is_object, ci_only)) and any(map(_is_object, cj_only))
            if (not boilerplate and not other_object and len(clause_docs[ci]) >= 2
                    and action_of(clause_text[ci]) == action_of(clause_text[cj])):
                duplicates.append(Finding((tasks[i]["id"], tasks[j]["id"]), "duplicate", max(score, sim),
                                          f"same action and object: 「{clause_text[ci]}」 / 「{clause_text[cj]}」"))
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
