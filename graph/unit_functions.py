"""What a Chinese government body does and at which level, read off its name alone (with the issuing
government as context): `区科工商务局` → 科技 + 经济和信息化 + 商务 at 区 level. The stems are data
(ontology/functions.ttl); this module holds only the grammar of body names — places, level prefixes, party
prefixes, organisational words, and the shapes of streets, towns, parks and companies."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dutygraph.loaders.unit_names import is_person_name
from dutygraph.loaders.units import is_collective

from .vocabulary import TIER_CONFIDENCE, Vocabulary, vocabulary

NATIONAL, PROVINCE, CITY, DISTRICT, COUNTY, TOWN, STREET, VILLAGE = "国家", "省", "市", "区", "县", "乡镇", "街道", "村"
ZONE, ENTERPRISE = "园区", "企业"       # not levels of government: parks and companies stand beside them
LEVEL_RANK = {NATIONAL: 0, PROVINCE: 1, CITY: 2, DISTRICT: 3, COUNTY: 3, TOWN: 4, STREET: 4, VILLAGE: 5}
_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")      # 直辖市: their 市 bodies are provincial
_FN = "https://w3id.org/dutygraph/function/"

# Words that say what kind of body it is, not what it does. Longest first is not needed: the segmentation
# below prefers fewer, longer tokens.
_NEUTRAL = frozenset("""局 委 委员会 会 办 办公室 厅 部 署 总局 分局 支局 中心 分中心 站 所 处 管理处 院 馆 队 总队 支队 大队
中队 公司 有限公司 有限责任公司 分公司 集团 股份 管理 服务 事务 工作 综合 执法 监督 行政 领导小组 小组 指挥部 工作组 专班
联席会议 党组 党委 党工委 机关 人民政府 政府 人民 和 与 及 暨 、 的 协会 学会 商会 联合会 直属 驻 市 区 县 省 国家 中国 中共
中华人民共和国 专项 发展 保障 投资 办事处 台 社 科室 股 室""".split())
_MAX_STEM = 16
_ZONE = re.compile(r"开发区|高新区|经开区|园区|产业园|工业园|工业区|功能区|新区|保税区|自贸区|度假区|示范区|试验区|景区|港区|新城|科技城")
_ZONE_BODY = re.compile(r"(?:管委会|管理委员会|管理局|管理办公室|工作委员会|党工委|开发区|高新区|经开区|园区|工业区|新区|示范区|新城|科技城)$")
_TOWNSHIP = re.compile(r"(?:街道(?:办事处|办|党工委)?|街办|(?:镇|乡|苏木)(?:人民政府|政府|党委)?)$")
_VILLAGE = re.compile(r"(?:村|社区|村委会|居委会|村民委员会|居民委员会)$")
_COMPANY = re.compile(r"(?:公司|集团|有限公司|有限责任公司|股份)$")
_INNER_SPLIT = re.compile(r"(?<=[局厅署])(?=[\u4e00-\u9fff]{2,})|(?<=[^人民政]部)(?=[\u4e00-\u9fff]{3,})")
_PLACEHOLDER = re.compile(r"^(?:各|全(?!国)|所有|有关|相关|其他|属地|辖区)|(?:部门|单位|各级)$|^(?:乡镇|镇街|街镇|镇办)")

# Places at the start of a name, province → city → county → town, each a short proper name and a suffix. A
# name part that ends in one of these words (城市管理, 园区, 城乡, 社区) is not a place.
_PLACE_SUFFIXES = (("自治区", PROVINCE), ("省", PROVINCE), ("自治州", CITY), ("地区", CITY), ("市", CITY), ("州", CITY),
                   ("盟", CITY), ("自治县", COUNTY), ("县", COUNTY), ("旗", COUNTY), ("区", DISTRICT), ("街道", STREET),
                   ("镇", TOWN), ("乡", TOWN))
_NOT_PLACE_END = ("超", "门", "夜", "股", "集", "园", "景", "社", "开发", "高新", "经开", "度假", "示范", "保税",
                  "自贸", "辖", "片", "工业", "矿", "林", "功能", "营", "库", "灾", "乡", "村", "各", "全", "本",
                  "该", "和", "与", "及", "级", "地", "交", "事", "政", "场", "管", "委", "局", "风景", "试验", "新", "港")
_NATIONAL = re.compile(r"^(?:中华人民共和国|中国|国家|国务院|中共中央|中央|全国)")
_PARTY = re.compile(r"^(?:中共|中国共产党)?(?P<level>[省市区县])委(?!员)|^(?:中共)?(?:党委|党工委)")
_LEAGUE = re.compile(r"^(?:共青)?团(?P<level>[省市区县])委")
_NOT_MINISTRY = ("宣传部", "组织部", "统战部", "武装部", "人武部", "工作部", "政治部", "群工部", "老干部", "团部", "本部")


@dataclass(frozen=True)
class FunctionGuess:
    """The functions a name says (IRIs, in name order), how sure, the stems that said it, and whether two
    spellings with these functions may be merged (only when the evidence names the main body)."""

    functions: tuple[str, ...]
    confidence: float
    evidence: tuple[str, ...]
    mergeable: bool


@dataclass(frozen=True)
class UnitReading:
    """One unit name understood: what it is (department, collective, person), its place as written, level,
    the name without place and level prefix (`core`), its functions and the kind of body its ending says."""

    name: str
    kind: str              # department | collective | person
    place: str             # 广州市黄埔区 as written at the start, '' if none
    level: str             # 国家 省 市 区 县 乡镇 街道 村, '' when neither name nor issuer says
    core: str
    guess: FunctionGuess
    body: str              # admin | branch | corps:<ending> | centre | company | zone | township | village


NO_GUESS = FunctionGuess((), 0.0, (), False)


def read_unit(name: str, issuer_level: str = "", places: tuple[str, ...] = ()) -> UnitReading:
    """`places` are the short names of the issuing government (西安, 临潼): inside a name they say nothing
    about function. Readings are cached per vocabulary."""
    return _read(name.strip(), issuer_level, places, vocabulary().files)


@lru_cache(maxsize=65536)
def _read(name: str, issuer_level: str, places: tuple[str, ...], _files: tuple[str, ...]) -> UnitReading:
    main = re.sub(r"[（(][^（）()]*[）)]$", "", name).strip() or name
    if is_person_name(main):
        return UnitReading(name, "person", "", "", main, NO_GUESS, "")
    if is_collective(main) or _PLACEHOLDER.search(main):
        return UnitReading(name, "collective", "", issuer_level, main, NO_GUESS, "")
    place, place_level, rest = split_place(re.sub(r"^(?:中共|中国共产党)", "", main))
    if place and rest.startswith("委") and len(rest) > 1:
        rest = place_level[:1] + rest          # 中共成都市委宣传部: 成都市 + 市委宣传部
    party = _PARTY.match(rest)
    league = _LEAGUE.match(rest)
    prefix_level = ""
    if league:
        prefix_level, rest = league.group("level"), "团委" + rest[league.end():]
    elif party:
        prefix_level, rest = party.group("level") or "", rest[party.end():] or "办"
    else:
        prefix_level, rest = _level_char(rest)
    body = body_kind(main)
    level = place_level or _level_word(prefix_level) or _intrinsic_level(main, rest, body, issuer_level, places)
    guess = classify(rest, main, body, bool(party), places)
    return UnitReading(name, "department", place, _adjust_level(main, level, place, place_level, body, guess, places),
                       rest, guess, body)


def _adjust_level(name: str, level: str, place: str, place_level: str, body: str, guess: FunctionGuess,
                  places: tuple[str, ...]) -> str:
    """What the kind of body says over its place: parks and companies are not levels of government, a
    branch or a 大队 serves the level below its city, a 直辖市's 市 bodies are provincial."""
    vocab = vocabulary()
    if body == "zone":
        return ZONE
    firm = guess.functions and all(vocab.family_of(f) == _FN + "family/enterprise" for f in guess.functions)
    if body == "company" or (firm and not re.search(r"(?:办|办公室|委|委员会|科|股)$", name)):
        return ENTERPRISE
    if body == "branch" and level in (PROVINCE, CITY) and (place_level or len(name) > 6):
        return {PROVINCE: CITY, CITY: DISTRICT}[level]      # 西安市公安局临潼分局, 市生态环境局咸安分局: a district
    if body == "corps:大队" and place_level in (PROVINCE, CITY):
        return COUNTY
    city = place or (places[0] if places else "")
    if level == CITY and city.startswith(_MUNICIPALITIES):
        return PROVINCE
    return level


def split_place(name: str) -> tuple[str, str, str]:
    """(place as written, its level, the rest): 广州市黄埔区应急局 → (广州市黄埔区, 区, 应急局). A national
    organ followed by a place (国家税务总局西安市税务局) takes the place's level."""
    national = _NATIONAL.match(name)
    if national and not re.search(r"(?:公司|集团|分局|支行|分行)$", name):
        inner = re.search(r"(?<=[局署部])(?=[\u4e00-\u9fff]{2,7}?(?:省|市|区|县))", name)
        if inner:
            place, level, rest = split_place(name[inner.start():])
            if place:
                return place, level, rest
        return name[:national.end()], NATIONAL, name[national.end():] if len(name) > national.end() + 1 else name
    end, level = 0, ""
    while found := next_place(name, end, level):
        end, level = found
    return name[:end], level, name[end:]


def next_place(name: str, start: int, above: str) -> tuple[int, str] | None:
    """The shortest place part at `start`, of a lower level than `above`, that leaves a body name after it."""
    for length in range(1, 8):
        stem = name[start:start + length]
        if any(ch in "省市区县" for ch in stem) or stem.startswith("中共"):
            return None
        for suffix, level in _PLACE_SUFFIXES:
            end = start + length + len(suffix)
            if name[start + length:end] != suffix or stem.endswith(_NOT_PLACE_END):
                continue
            if length == 1 and suffix not in ("县", "省"):
                continue
            if above and LEVEL_RANK[level] <= LEVEL_RANK[above]:
                if not (above == CITY and suffix == "市"):     # 成都市都江堰市: a county-level city
                    continue
                level = COUNTY
            if len(name) - end < (1 if level in (STREET, TOWN) else 2) or _stem_across(name, end - len(suffix), end):
                continue
            return end, level
    return None


def _stem_across(name: str, suffix: int, end: int) -> bool:
    """A vocabulary stem that starts inside a would-be place name and runs past its end (城|市管理, 智慧城|市):
    it is no place. Stems that start at the suffix (市政, 市场) are the level prefix's business."""
    stems = vocabulary().stems
    return any(name[i:j] in stems for i in range(max(0, suffix - 6), suffix)
               for j in range(end + 1, min(len(name), i + 12) + 1))


def _level_char(rest: str) -> tuple[str, str]:
    """区应急局 → (区, 应急局); 市场监管局 and 市政公用局 keep their 市 (the stems decide: see classify)."""
    if len(rest) > 2 and rest[0] in "省市区县镇":
        if _stem_across(rest, 1, 1) and _unknown(rest) < _unknown(rest[1:]):
            return "", rest                      # 市政局, 市监局, 市场监管局: the stem begins with 市
        return rest[0], rest[1:]
    if rest.startswith("街道") and len(rest) > 3:
        return "街道", rest[2:]
    return "", rest


def _unknown(text: str) -> int:
    """Characters of `text` that no stem or organisational word explains."""
    return _best_cover(text, vocabulary(), (), singles=False)[0]


def _level_word(char: str) -> str:
    return {"省": PROVINCE, "市": CITY, "区": DISTRICT, "县": COUNTY, "镇": TOWN, "街道": STREET}.get(char, "")


def _intrinsic_level(name: str, rest: str, body: str, issuer_level: str, places: tuple[str, ...]) -> str:
    """A name without a place: its ending may say the level (…部 national, …厅 provincial, 支队 city,
    大队 county), else a short place of the issuer inside it, else the issuer's own level."""
    issuer = _level_word(issuer_level) or issuer_level
    if body == "township":
        return STREET if re.search(r"街道|街办", name) else TOWN
    if body == "village":
        return VILLAGE
    if issuer == ZONE:
        return ZONE
    ministry = re.match(r"^[\u4e00-\u9fff]{2,9}?部(?=[\u4e00-\u9fff]{2,})", name)
    if ministry and not ministry.group(0).endswith(_NOT_MINISTRY) and not _PARTY.match(name):
        return NATIONAL                            # 公安部交通管理局
    if re.search(r"(?:总局|总署|审计署)$", name) or (name.endswith("部") and not name.endswith(_NOT_MINISTRY)):
        return NATIONAL
    if name.endswith("厅") and not name.endswith("办公厅"):
        return PROVINCE
    if name.endswith("总队"):
        return PROVINCE
    if name.endswith("支队"):
        return CITY
    if name.endswith(("大队", "分局")):
        below = {NATIONAL: PROVINCE, PROVINCE: CITY, CITY: COUNTY if name.endswith("大队") else DISTRICT}
        return below.get(issuer, issuer) or DISTRICT
    for index, place in enumerate(places):
        if place and place in name:
            return issuer if index == len(places) - 1 else CITY
    return issuer


def body_kind(name: str) -> str:
    """What the ending says about the body: two spellings of different kinds are never one body."""
    if _ZONE_BODY.search(name) and _ZONE.search(name):
        return "zone"
    if _TOWNSHIP.search(name) and not _ZONE.search(name):
        return "township"
    if _VILLAGE.search(name) and not name.endswith("城乡社区"):
        return "village"
    if _COMPANY.search(name):
        return "company"
    if name.endswith(("分局", "分公司", "分中心")):
        return "branch"
    corps = re.search(r"(总队|支队|大队|中队|站|所|队)$", name)
    if corps:
        return "corps:" + corps.group(1)
    if re.search(r"(?:中心|院|馆|台|社|场)$", name):
        return "centre"
    return "admin"


def classify(core: str, name: str, body: str, party: bool, places: tuple[str, ...]) -> FunctionGuess:
    """Functions of a body from its name without place and level (`core`); `name` is the whole name, for
    the shapes that its ending decides (streets, towns, parks, villages, companies)."""
    vocab = vocabulary()
    shape = {"township": "township-street", "zone": "park-management", "village": "village-community"}.get(body)
    if shape:
        return FunctionGuess((_FN + shape,), 0.9, (name,), False)
    if party and core in ("办", "办公室", "办公厅"):
        return FunctionGuess((_FN + "party-office",), 0.95, (name,), True)
    if core in ("政府", "人民政府") and core != name:
        return FunctionGuess((_FN + "people-government",), 0.9, (name,), False)
    guess = NO_GUESS
    for segment in _segments(core):
        guess = _cover(segment, vocab, places)
        if guess.functions:
            break
    if body == "company":
        return _company(guess)
    return guess


def _segments(core: str) -> list[str]:
    """市公安局交通管理局 → [交通管理局, 市公安局交通管理局]: the body is the last organ named; its parents
    decide only when the last part says nothing (西安市公安局临潼分局 → 公安)."""
    cuts = [m.start() for m in _INNER_SPLIT.finditer(core)]
    return [core[c:] for c in reversed(cuts)] + [core]


def _company(guess: FunctionGuess) -> FunctionGuess:
    """A company keeps its enterprise-family functions (供电, 燃气 …), else what its name says, else 企业."""
    vocab = vocabulary()
    firms = tuple(f for f in guess.functions if vocab.family_of(f) == _FN + "family/enterprise")
    if firms:
        return FunctionGuess(firms, guess.confidence, guess.evidence, False)
    if guess.functions:
        return guess
    return FunctionGuess((_FN + "enterprise",), 0.6, ("公司",), False)


def _cover(text: str, vocab: Vocabulary, places: tuple[str, ...]) -> FunctionGuess:
    """Split `text` into stems, organisational words and unknown characters: fewest unknown characters,
    then fewest tokens (longer stems win: 交通管理 over 交通 + 管理). One-character stems (科, 工) count
    only when they let the whole text be covered (科工商务局), never to explain part of a place name."""
    first = _best_cover(text, vocab, places, singles=False)
    if first[0]:
        second = _best_cover(text, vocab, places, singles=True)
        if second[0] == 0:
            first = second
    unknown, _, stems = first
    functions: dict[str, None] = {}
    tiers: list[float] = []
    mergeable = True
    for stem in stems:
        for s in vocab.stems[stem]:
            functions.setdefault(s.function, None)
            tiers.append(TIER_CONFIDENCE[s.tier])
            mergeable &= s.tier != "agency"
    if not functions:
        return NO_GUESS
    confidence = min(tiers) - (0.1 if unknown else 0.0) - (0.05 if len(stems) > 1 and unknown else 0.0)
    return FunctionGuess(tuple(functions), round(confidence, 2), tuple(stems), mergeable)


def _best_cover(text: str, vocab: Vocabulary, places: tuple[str, ...], singles: bool) -> tuple[int, int, list[str]]:
    """Dynamic programme from the end: best[i] = (unknown chars, tokens, stems used) for text[i:]."""
    n = len(text)
    best: list[tuple[int, int, list[str]]] = [(0, 0, [])] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = [(best[i + 1][0] + 1, best[i + 1][1] + 1, best[i + 1][2])]
        for j in range(min(n, i + _MAX_STEM), i, -1):
            word = text[i:j]
            if word in vocab.stems and (singles or len(word) > 1):
                options.append((best[j][0], best[j][1] + 1, [word] + best[j][2]))
            elif word in _NEUTRAL or word in places:
                options.append((best[j][0], best[j][1] + 1, best[j][2]))
        best[i] = min(options, key=lambda o: (o[0], o[1], -sum(len(s) for s in o[2])))
    return best[0]


def places_of(jurisdiction: str) -> tuple[str, ...]:
    """Short names of a jurisdiction, largest first: 西安市临潼区 → (西安, 临潼); names write 公安临潼分局."""
    out: list[str] = []
    end, level = 0, ""
    while found := next_place(jurisdiction + "人民政府", end, level):
        out.append(re.sub(r"(?:省|自治区|市|自治州|州|地区|盟|自治县|区|县|旗)$", "", jurisdiction[end:found[0]]))
        end, level = found
    return tuple(out)
