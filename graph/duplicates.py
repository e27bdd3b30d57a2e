"""Duplicated and overlapping duties within one plan, told apart from parallel ones (issue 17).

A finding is about two duties and says which of four things a reader would call it:
* `duplicate` — the same action on the same object and scope, twice (two duties of one kind that contain
  each other);
* `overlap` — one duty's scope contains the other's, or they share an identical sub-duty;
* `restates` — a narrative measure (Lintong 二、主要任务) restating a table task or schedule item;
* `parallel` — one wording template on a different object, facility type or phase: never a duplicate.

Duties are compared clause by clause (numbered sub-items, sentences and their comma parts), on the
statement: a requirement clause (工作要求) can complete a match with a statement clause, two requirement
clauses alone never make one, and a clause near-copied in BOILERPLATE_DUTIES duties of the plan is template
text (专家论证评审和中期评估资料齐全…, 按计划完成隐患整改) and decides nothing. Containment is measured on
character bigrams weighted by their rarity among the plan's clauses, after phrasing words (积极, 大力 …) are
dropped, so 积极推进安全生产标准化建设 is found inside a longer sentence. A contained clause still orders
something else when the action class differs (neither kind), or when the objects are disjoint, a template
slot is filled with another object, phase (启动 / 完成) or document (对总体规划 / 对…发展规划): then the pair is
parallel, with the slot. Whole statements alike but for their objects are parallel too.

Paraphrases the characters miss are compared on words (jieba with the facility vocabulary): verbs as their
action class, facility labels as their concept, documents as their kind, graph/paraphrases.py's rewrites
applied (推行…楼长制度 = 配备楼长, 两客一危 = 客运车辆 + 危险货物运输车辆). Such a match needs a shared action and a
shared facility, and only ever reports an overlap: wording alike once normalised says nothing about a template.
A schedule milestone (全面完成…普查辨识建档工作) is matched to its task more loosely, and a phase word makes no
slot across kinds. A clause listing facilities shares its order on each one (各类游乐场所和游乐设施开展隐患排查 /
…游乐设施等安全隐患排查治理), and a clause several table rows share is their template but not across kinds: a
narrative measure repeating it restates each. Candidates come from sparse TF-IDF top-k (over clause bigrams,
clause words and statements) and from small blocks of clauses sharing an action and a document kind or a
facility, never all pairs. Slots (what differs between two alike clauses) are read in graph/slot_conflicts.py."""
from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .paraphrases import PHASE_WORDS, PHRASING_WORDS, PRODUCT_TYPES, Slots, is_object, slots, task_objects
from .slot_conflicts import conflict, labels_of, plain_han, swapped
from .textsim import content_tokens, tfidf_matrix, top_k_pairs
from .vocabulary import vocabulary

CONTAINMENT = 0.65          # weighted share of the smaller clause's bigrams found in the other
RESTATES = 0.85             # a measure clause this close to a task clause restates it
CANDIDATE_COSINE = 0.2      # clause TF-IDF cosine for a candidate pair
CANDIDATES_PER_CLAUSE = 12
BOILERPLATE_DUTIES = 3      # a clause near-copied in this many duties is template text
COPY_COSINE = 0.3           # near copies are looked for among clause pairs this alike
NEAR_COPY = 0.8             # difflib ratio of two clauses that are copies of one another
SHORT_BIGRAMS = 10          # a clause shorter than this matches by chance more easily …
SHORT_MARGIN = 0.05         # … so it must be this much more contained
MIN_BIGRAMS = 5             # shorter clauses say too little to decide on
PART_MIN_CHARS = 7          # a comma part is compared on its own from this many characters
REQUIREMENT_DISCOUNT = 0.9  # confidence of a match that rests on a requirement clause
TEMPLATE_COSINE = 0.45      # whole statements this alike, with another object, are one template
WORD_CONTAINMENT = 0.7      # weighted share of the smaller clause's normalised words found in the other
MILESTONE_CONTAINMENT = 0.6  # … for a schedule item and a task or measure
FACILITY_BLOCK = 12         # clauses ordering one action on one facility concept, all paired when this few
MILESTONE_BLOCK = 40        # clauses sharing one action and one document kind or facility, at most
TEMPLATE_WORDING = 0.85     # … or this alike once their object words are left out
# Governing verbs that say an order exists, not which (明确职责 / 落实职责, 建立队伍 / 组建队伍): left out of
# the word comparison, like the phrasing words.
GOVERNING_WORDS = frozenset("明确 落实 建立 健全 完善 构建 推动 推进 实施 开展 强化 加强 组建 提升 统筹 探索 初步".split())
KIND_ORDER = {"task": 0, "measure": 1, "schedule": 2}

_ITEM = re.compile(r"(?:\d{1,2}\s*[.．、﹒](?!\d)|[（(]\d{1,2}[）)])")
_SENTENCE = re.compile(r"[。；;！？\n]")
_PREPOSITION = re.compile(r"^(?:对|在|将|把|为|按照|根据|依据|针对|围绕|结合)")   # 对各街办…: no order of its own
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Finding:
    """Two duties (ordered by kind and number; for `restates` the measure first), what a reader would call
    the pair, and why."""
    tasks: tuple[str, ...]
    kind: str               # duplicate | overlap | restates | parallel
    score: float            # confidence, 0–1; lists are sorted by it
    evidence: str
    shared: tuple[str, ...] = ()   # content words both clauses carry
    slot: str = ""                 # for parallel: what differs (object/slot/phase), e.g. "养老机构/展馆"

    def as_json(self) -> dict[str, Any]:
        return {"tasks": list(self.tasks), "kind": self.kind, "score": round(self.score, 3),
                "confidence": round(self.score, 3), "evidence": self.evidence, "shared": list(self.shared),
                "slot": self.slot}


@dataclass(frozen=True)
class Clause:
    """One unit of a duty compared on its own: a numbered item, a sentence or a comma part. Its slots are
    read only when a candidate pair needs them (jieba on every unit would double the cost)."""
    owner: int
    text: str
    requirement: bool
    grams: frozenset[str]
    own: frozenset[str] = frozenset()     # the row's facility concepts, for a unit that names none

    @property
    def slots(self) -> Slots:
        return slots(self.text)

    @property
    def actions(self) -> frozenset[str]:
        return self.slots.actions

    @property
    def objects(self) -> frozenset[str]:
        return self.slots.objects or self.own

    @property
    def inherited(self) -> bool:
        return not self.slots.objects and bool(self.own)


def sentences(text: str) -> list[str]:
    """Numbered items and sentences of a statement (1.… 2.…; …。), each with six Chinese characters or more."""
    out = []
    for sentence in _SENTENCE.split(text):
        for piece in _ITEM.split(sentence):
            piece = piece.strip(" ，,：:、")
            if len(_HAN.findall(piece)) >= 6:
                out.append(piece)
    return out


def clauses(text: str) -> list[str]:
    """Sentences and, for a sentence of several comma parts, each substantial part: these plans write one
    order per comma part, and a measure sentence often restates one part of a task."""
    out = []
    for clause in sentences(text):
        out.append(clause)
        parts = [p.strip() for p in re.split(r"[，,]", clause)]
        if len(parts) > 1:
            out += [p for p in parts if len(plain_han(p)) >= PART_MIN_CHARS and not _PREPOSITION.match(p)]
    return out


@lru_cache(maxsize=200_000)
def bigrams(text: str) -> frozenset[str]:
    han = plain_han(text)
    return frozenset(han[k:k + 2] for k in range(len(han) - 1))


def _clauses_of(tasks: list[dict[str, Any]]) -> list[Clause]:
    """Every duty's units; a unit of a table row naming no facility takes the row's own, so a template
    sub-item (督促企业制定…方案) belongs to the object of its row. A narrative measure ranges over many
    topics: its facility list says nothing about one of its sentences."""
    out = []
    for i, task in enumerate(tasks):
        own = task_objects(task) if task["kind"] != "measure" else frozenset()
        seen: set[str] = set()
        for requirement, source in ((False, task.get("text") or ""), (True, task.get("requirements") or "")):
            for text in clauses(source):
                if text in seen:
                    continue
                seen.add(text)
                out.append(Clause(i, text, requirement, bigrams(text), own))
    return out


def find_in_plan(tasks: list[dict[str, Any]]) -> list[Finding]:
    """Duplicate, overlap, restates and parallel pairs among the duties of one plan, across kinds, sorted
    by confidence (highest first)."""
    tasks = [t for t in tasks if (t.get("text") or t.get("requirements"))]
    found = _Comparison(_clauses_of(tasks), tasks).findings()
    found += _templates(tasks, {frozenset(f.tasks) for f in found})
    return sorted(found, key=lambda f: (-f.score, f.tasks))


def _templates(tasks: list[dict[str, Any]], known: set[frozenset[str]]) -> list[Finding]:
    """Parallel pairs read off whole statements of one kind: alike (TF-IDF cosine ≥ TEMPLATE_COSINE, or
    ≥ TEMPLATE_WORDING once the object words are left out: 制定医院安全管理标准 / 制定养老院安全管理标准) and each
    naming an object the other lacks, or one object, phase or document swapped for another."""
    docs = [content_tokens(t.get("text") or t.get("requirements") or "") for t in tasks]
    objects = [[w for w in doc if is_object(w)] for doc in docs]
    wording = [[w for w in doc if not is_object(w)] for doc in docs]
    statements, templates = tfidf_matrix(docs), tfidf_matrix(wording, max_df=0.9)
    pairs = {(i, j): score for i, j, score in top_k_pairs(statements, statements, k=CANDIDATES_PER_CLAUSE,
                                                          threshold=TEMPLATE_COSINE)}
    for i, j, _ in top_k_pairs(templates, templates, k=CANDIDATES_PER_CLAUSE, threshold=TEMPLATE_WORDING):
        if objects[i] and objects[j] and len(wording[i]) >= 2:
            pairs.setdefault((i, j), TEMPLATE_COSINE)
    out = []
    for (i, j), score in sorted(pairs.items()):
        a, b = tasks[i], tasks[j]
        if i >= j or a["kind"] != b["kind"] or frozenset((a["id"], b["id"])) in known:
            continue
        slot = _slot(a, b, objects[i], objects[j])
        if slot:
            ta, tb = sorted((a, b), key=lambda t: t["number"])
            shared = tuple(w for w in dict.fromkeys(docs[i]) if w in set(docs[j]))
            what, differs = slot.split(":", 1)
            out.append(Finding((ta["id"], tb["id"]), "parallel", min(1.0, score),
                               f"same template, different {what} ({differs}): 「{'、'.join(shared[:6])}」", shared, differs))
    return out


def _slot(a: dict[str, Any], b: dict[str, Any], words_a: list[str], words_b: list[str]) -> str:
    """What differs between two alike statements: facilities, object words, or a swapped object or phase."""
    oa, ob = task_objects(a), task_objects(b)
    if oa - ob and ob - oa:
        return f"object:{labels_of(oa - ob)}/{labels_of(ob - oa)}"
    only_a, only_b = [w for w in words_a if w not in words_b], [w for w in words_b if w not in words_a]
    if only_a and only_b:
        return f"object:{'、'.join(dict.fromkeys(only_a[:3]))}/{'、'.join(dict.fromkeys(only_b[:3]))}"
    return swapped(a.get("text") or "", b.get("text") or "")


class _Comparison:
    """The clauses of one plan with their bigram weights, candidate pairs and template copies."""

    def __init__(self, clauses_: list[Clause], tasks: list[dict[str, Any]]) -> None:
        self.clauses, self.tasks = clauses_, tasks
        df = Counter(g for c in clauses_ for g in c.grams)
        n = len(clauses_)
        self.idf = {g: math.log((1 + n) / (1 + d)) + 0.05 for g, d in df.items()}
        matrix = tfidf_matrix([sorted(c.grams) for c in clauses_], max_df=0.3) if clauses_ else None
        cosine = {} if matrix is None else {
            (min(a, b), max(a, b)): score for a, b, score in top_k_pairs(matrix, matrix, k=CANDIDATES_PER_CLAUSE,
                                                                         threshold=CANDIDATE_COSINE)
            if clauses_[a].owner != clauses_[b].owner}
        self.words = [_words(c.text) for c in clauses_]
        wdf = Counter(w for ws in self.words for w in ws)
        self.word_idf = {w: math.log((1 + n) / (1 + d)) + 0.05 for w, d in wdf.items()}
        self.word_total = [self.word_weight(ws) for ws in self.words]
        for pair in self._word_pairs() + self._milestone_pairs():
            cosine.setdefault(pair, 0.0)      # a candidate, but no evidence of a copy
        self.candidates = sorted(cosine)
        self.close = [pair for pair, score in cosine.items() if score >= COPY_COSINE]
        self.total = [self.weight(c.grams) for c in clauses_]
        self.copies = self._copies()

    def weight(self, grams: Iterable[str]) -> float:
        """Summed in sorted order: a set's order follows the hash seed, and float sums in another order differ in
        the last bits, which would break ties differently from one process to the next."""
        return math.fsum(self.idf.get(g, 0.0) for g in sorted(grams))

    def _copies(self) -> list[set[int]]:
        """Per clause, the duties holding a copy or near-copy of it (the template-text count)."""
        same: dict[frozenset[str], set[int]] = {}
        for c in self.clauses:
            same.setdefault(c.grams, set()).add(c.owner)
        copies = [set(same[c.grams]) for c in self.clauses]
        han = [plain_han(c.text) for c in self.clauses]
        for a, b in self.close:
            ha, hb = han[a], han[b]
            if 2 * min(len(ha), len(hb)) < NEAR_COPY * (len(ha) + len(hb)):
                continue                      # lengths alone rule out a ratio this high
            matcher = difflib.SequenceMatcher(None, ha, hb, autojunk=False)
            if matcher.quick_ratio() >= NEAR_COPY and matcher.ratio() >= NEAR_COPY:
                copies[a].add(self.clauses[b].owner)
                copies[b].add(self.clauses[a].owner)
        return copies

    def _word_pairs(self) -> list[tuple[int, int]]:
        """Clause pairs alike on normalised words (TF-IDF top-k), for the paraphrases bigrams do not rank."""
        if not self.clauses:
            return []
        matrix = tfidf_matrix([sorted(ws) for ws in self.words], max_df=0.3)
        return [(min(a, b), max(a, b)) for a, b, _ in top_k_pairs(matrix, matrix, k=CANDIDATES_PER_CLAUSE,
                                                                  threshold=CANDIDATE_COSINE)
                if self.clauses[a].owner != self.clauses[b].owner]

    def _milestone_pairs(self) -> list[tuple[int, int]]:
        """Schedule clauses with the task and measure clauses that order the same action on the same kind of
        document or object (全面启动…标准规范制修订工作 / 制修订…管理办法，完善…技术标准): a milestone is too short
        for TF-IDF to rank its task among the nearest. Blocks larger than MILESTONE_BLOCK say nothing."""
        blocks: dict[str, list[int]] = {}
        for k, words in enumerate(self.words):
            actions = sorted(w for w in words if w.startswith("#"))
            things = sorted(w for w in words if w.startswith(("$", "@")))
            for key in {f"{a}{t}" for a in actions for t in things}:
                blocks.setdefault(key, []).append(k)
        out = set()
        for key in sorted(blocks):
            members = blocks[key]
            if len(members) > MILESTONE_BLOCK:
                continue
            milestones = [k for k in members if self.tasks[self.clauses[k].owner]["kind"] == "schedule"]
            for m in milestones:
                for k in members:
                    if self.tasks[self.clauses[k].owner]["kind"] != "schedule":
                        out.add((min(m, k), max(m, k)))
            if "@" in key and len(members) <= FACILITY_BLOCK:
                out.update((a, b) for i, a in enumerate(members) for b in members[i + 1:]
                           if self.clauses[a].owner != self.clauses[b].owner)
        return sorted(out)

    def word_weight(self, words: Iterable[str]) -> float:
        return math.fsum(self.word_idf.get(w, 0.0) for w in sorted(words))

    def worded(self, a: int, b: int) -> tuple[float, Clause, Clause] | None:
        """Containment on normalised words (verbs as their action class, facility labels as their concept,
        documents as their kind): 开展餐饮企业监督检查 inside …和餐饮企业安全监察执法检查, which character bigrams
        miss. A schedule milestone names its task's work in few words (全面完成…普查辨识建档工作): it needs less."""
        if not self.words[a] & self.words[b]:
            return None
        lo, hi = sorted((a, b), key=lambda k: (self.word_total[k], self.clauses[k].text))
        small, big, ws, wbig = self.clauses[lo], self.clauses[hi], self.words[lo], self.words[hi]
        acting = any(w[0] == "#" for w in ws | wbig)
        if len(ws) < 2 or (acting and not any(w[0] == "#" for w in ws & wbig)):
            return None                       # both order something, not the same thing
        if any(len(w) > 2 and w[0] not in "@#$" and is_object(w) and w not in wbig for w in ws):
            return None                       # 制定建设项目…论证制度 / 制定规划…论证制度: a slot filled otherwise
        milestone = len({self.tasks[self.clauses[k].owner]["kind"] == "schedule" for k in (a, b)}) == 2
        shared = frozenset(w for w in ws if w in wbig or _inside(w, wbig))
        if any(w[0] == "@" for w in ws | wbig):
            if not any(_object_word(w) or (milestone and w[0] == "$") for w in shared):
                return None                   # facilities named, none in common
        elif len(shared) < 4 + (not acting) - milestone:
            return None                       # too few words to tell without a facility
        score = self.word_weight(shared) / self._listed_total(ws, shared, lo)
        if score < (MILESTONE_CONTAINMENT if milestone else WORD_CONTAINMENT):
            return None
        sa, sb = small.slots, big.slots
        if (sa.aspects and sb.aspects and not sa.aspects & sb.aspects) or (
                sa.products and sb.products and not sa.products & sb.products):
            return None                       # 隐患排查 is not 抗震风险排查, 防治方案 not 专项规划
        return score, small, big

    def _listed_total(self, words: frozenset[str], shared: frozenset[str], k: int) -> float:
        """The weight a match must cover: a clause listing facilities (各类游乐场所和游乐设施开展隐患排查) shares
        its sub-duty on each one with a clause naming it, so the facilities the other lacks are left out."""
        named = [w for w in words if w[0] == "@"]
        if len(named) >= 2 and any(w in shared for w in named):
            return self.word_total[k] - self.word_weight(w for w in named if w not in shared) or 1.0
        return self.word_total[k] or 1.0

    def boilerplate(self, k: int, kinds: frozenset[str]) -> bool:
        """Near-copied in BOILERPLATE_DUTIES duties of one kind: a measure restating a task that a schedule
        item also names is three duties, but not a template. A substantial clause (SHORT_BIGRAMS or more)
        several table rows share is their template, yet a narrative measure that repeats it restates each of
        them: across kinds it is template text only when copied that often in each kind."""
        per_kind = Counter(self.tasks[o]["kind"] for o in self.copies[k])
        if len(kinds) > 1 and len(self.clauses[k].grams) >= SHORT_BIGRAMS:
            return all(per_kind[kind] >= BOILERPLATE_DUTIES for kind in kinds)
        return max(per_kind.values()) >= BOILERPLATE_DUTIES

    def findings(self) -> list[Finding]:
        best: dict[tuple[int, int], tuple[float, Clause, Clause, str, bool]] = {}
        for a, b in self.candidates:
            ca, cb = self.clauses[a], self.clauses[b]
            kinds = frozenset(self.tasks[c.owner]["kind"] for c in (ca, cb))
            if (ca.requirement and cb.requirement) or self.boilerplate(a, kinds) or self.boilerplate(b, kinds):
                continue
            (small, total), big = ((ca, self.total[a]), cb) if self.total[a] <= self.total[b] else ((cb, self.total[b]), ca)
            if len(small.grams) < MIN_BIGRAMS or not total:
                continue
            score = self.weight(small.grams & big.grams) / total
            if score < CONTAINMENT + (SHORT_MARGIN if len(small.grams) < SHORT_BIGRAMS else 0.0):
                worded = self.worded(a, b)
                if worded is None:
                    continue
                score, small, big = worded
            else:
                worded = None
            why = conflict(small, big)
            if why.startswith("phase") and self.tasks[small.owner]["kind"] != self.tasks[big.owner]["kind"]:
                why = ""                      # a schedule milestone (全面完成…) of a task's work: not another step
            if why.startswith("action") or (why and worded) or (not why and self._unmatched(small, big)):
                continue                      # same object, another order: neither duplicate nor parallel; and
                                              # wording alike only once normalised is no template
            score = min(1.0, score) * (REQUIREMENT_DISCOUNT if (small.requirement or big.requirement) else 1.0)
            pair = (min(ca.owner, cb.owner), max(ca.owner, cb.owner))
            held = best.get(pair)
            if held is None or (not why, score) > (not held[3], held[0]):
                best[pair] = (score, small, big, why, worded is not None)
        return [self._finding(pair, *match) for pair, match in sorted(best.items())]

    def _unmatched(self, small: Clause, big: Clause) -> bool:
        """A contained clause that still orders something else than the containing one. Two schedule items
        are steps of one piece of work (拟定…送审稿 / 印发…; 全市 / 各部门), never one inside the other; a clause
        of one content word says too little; an action class the other lacks (建立…评估机制 / 建立…预警机制);
        a document matched through its kind only (监督制度 / 工作机制); a topic word the other holds only inside
        a facility name the clause does not name (农村消防安全 / 农村公路)."""
        kinds = {self.tasks[c.owner]["kind"] for c in (small, big)}
        if kinds == {"schedule"}:
            return True
        sa, sb = small.slots, big.slots
        if len(_words(small.text)) < 2 or (sa.actions and not sa.actions & sb.actions):
            return True
        han = plain_han(big.text)
        for word in sa.words:
            named = [x for x in PRODUCT_TYPES if x in word] if word[0] not in "@#$" else []
            if named and word.endswith(tuple(named)) and not any(x in han for x in named):
                return True
        if "schedule" in kinds or sa.objects or not sb.objects:
            return False                      # a milestone names its task's work loosely
        labels = vocabulary().facility_labels
        for word in sa.words:
            if word[0] in "@#$" or len(word) < 2 or word not in big.text:
                continue
            longer = [label for label in labels if word in label and label != word and label in big.text]
            if longer and big.text.count(word) <= sum(big.text.count(label) for label in longer):
                return True
        return False

    def _finding(self, pair: tuple[int, int], score: float, small: Clause, big: Clause, why: str,
                 paraphrased: bool) -> Finding:
        ta, tb = sorted((self.tasks[pair[0]], self.tasks[pair[1]]), key=lambda t: (KIND_ORDER.get(t["kind"], 3), t["number"]))
        shared = tuple(w for w in dict.fromkeys(content_tokens(small.text)) if w in big.text)
        quote = f"「{small.text}」 / 「{big.text}」"
        if why:
            slot = why.split(":", 1)[1]
            return Finding((ta["id"], tb["id"]), "parallel", score, f"same template, different {why.split(':')[0]} "
                           f"({slot}): {quote}", shared, slot)
        kind = self._kind(ta, tb, restated=score >= RESTATES and not paraphrased)   # said otherwise: not restated
        if kind == "restates" and tb["kind"] == "measure":
            ta, tb = tb, ta                   # the restating measure first: dg:restates points from it
        return Finding((ta["id"], tb["id"]), kind, score, f"{_SAYS[kind]}: {quote}", shared)

    def _kind(self, ta: dict[str, Any], tb: dict[str, Any], restated: bool) -> str:
        kinds = {ta["kind"], tb["kind"]}
        if "measure" in kinds and len(kinds) == 2 and restated:
            return "restates"
        if len(kinds) == 1 and _mutual(self, ta, tb) >= CONTAINMENT:
            return "duplicate"
        return "overlap"


_SAYS = {"duplicate": "each statement orders what the other does", "restates": "the measure restates the duty",
         "overlap": "one contains the other's order"}


def _mutual(cmp: _Comparison, ta: dict[str, Any], tb: dict[str, Any]) -> float:
    """How far the larger statement is covered by the smaller (1.0: they say the same thing)."""
    ga, gb = bigrams(ta.get("text") or ""), bigrams(tb.get("text") or "")
    big = ga if cmp.weight(ga) >= cmp.weight(gb) else gb
    return cmp.weight(ga & gb) / cmp.weight(big) if cmp.weight(big) else 0.0


def _inside(word: str, others: Iterable[str]) -> bool:
    """A plain word the other clause holds in a longer or shorter form (人员 / 执法人员, 报警 / 报警装置)."""
    return word[0] not in "@#$" and any(word in o or o in word for o in others if o[0] not in "@#$" and len(o) >= 2)


def _object_word(word: str) -> bool:
    """A facility concept or a qualified object word (建设项目, not the bare 设施 or 企业)."""
    return word.startswith("@") or (len(word) > 2 and is_object(word))


@lru_cache(maxsize=200_000)
def _words(text: str) -> frozenset[str]:
    """A clause's normalised content words, less the phrasing words that say how, not what."""
    out = set()
    for word in slots(text).words:
        if word in PHRASING_WORDS or word in GOVERNING_WORDS or any(p in word for p in PHASE_WORDS):
            continue
        product = next((kind for suffix, kind in PRODUCT_TYPES.items() if word.endswith(suffix)), "")
        out.add("$" + product if product and not word.startswith(("@", "#")) else word)
    return frozenset(out)
