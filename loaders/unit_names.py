"""What a government body's name looks like, without a list of names: bodies are recognised by their endings
(…局, …委, …办, …中心, …支队, …管委会, …街道, …人民政府, 团委, 妇联 …) and shape, people by a surname and a
short given name. Unit lists drop a shared place prefix after the first unit (`市发改委、国土房管局` means
市国土房管局); `expand_prefixes` writes it back."""
from __future__ import annotations

import re

# Endings of government bodies, parks and enterprises that take duties. Longest first where one ends another.
_BODY_ENDINGS = (
    "人民政府", "政府", "办事处", "管委会", "管理委员会", "委员会", "领导小组", "工作专班", "专班", "指挥部", "办公室", "办公厅",
    "小组", "分局", "支队", "大队", "中队", "分中心", "中心", "总队", "局", "委", "办", "厅", "部", "署", "院", "所", "站",
    "处", "室", "科", "队", "馆", "场", "行", "社", "台", "会", "联", "盟", "团", "团中央", "公司", "集团", "银行", "海关",
    "街道", "街办", "镇", "乡", "社区", "村", "园区", "开发区", "高新区", "新区", "示范区", "试验区", "保税区", "片区",
    "产业园", "科技城", "新城", "港区", "集团公司", "学校", "学院", "大学", "医院", "单位", "部门", "机构",
)
_BODY_END = re.compile("(?:" + "|".join(sorted(_BODY_ENDINGS, key=len, reverse=True)) + ")$")
# Words a unit name never holds but a sentence does (verbs of the duties themselves, sentence punctuation).
_NOT_IN_NAME = re.compile(
    r"^(?:含|包括|不含|除)|[。；;：:！？!?“”\"《》]|加强|推进|推动|开展|落实|完善|建立|健全|组织(?!部)|实施|做好|确保|提升|提高|加快|深化|强化|"
    r"严格|全面|积极|认真|及时|要求|负责|配合|牵头|按照|根据|通过|进行|\d{4}年|哪些|哪个|什么"     # 由哪些部门牵头? asks
    # a target that ends like a body (成功创建…美丽城镇, 开工建设老年大学) opens with its verb
    r"|^(?:成功|创建|开工|新建(?!区)|建成|完成|启动|新增|打造|争创|创成|力争|争取|迁建|扩建|改建)"
)
_BRACKETED_TAIL = re.compile(r"[（(〔【\[][^（）()〔〕【】\[\]]*[）)〕】\]]$")
# Bodies of the level below a city that lists drop the prefix of (not enterprises, streets or towns).
_PREFIXABLE_END = re.compile(
    r"(?:局|委|办|厅|署|中心|支队|大队|分局|管委会|委员会|办公室|部|院|总工会|妇联|残联|科协|团委|侨联|工商联|文联)$"
)
_PLACE_PREFIX = re.compile(
    r"^(?:(?:[\u4e00-\u9fff]{2,4}?(?:省|自治区))?[\u4e00-\u9fff]{2,4}?市(?:[\u4e00-\u9fff]{1,4}?(?:区|县|旗))?"
    r"|[\u4e00-\u9fff]{2,4}?(?:省|自治区)|[\u4e00-\u9fff]{1,4}?(?:区|县|旗)(?=[\u4e00-\u9fff]{2,}))"
)
# Bodies of the vertical (central) administration: a local list's dropped prefix is never theirs, for they are
# not the local government's (福建出入境检验检疫局 after 省农业厅、 is not 省福建…; 税务局 stays as written).
_VERTICAL = re.compile(r"出入境|检验检疫|海关|税务|人民银行|人行|气象局|银保监|证监|邮政管理局|通信管理局|烟草|铁路|民航")
_LEVEL_CHAR = "市区县省镇乡州盟旗"
_NOT_LEVEL = ("市场", "市政", "市民", "区域", "区块", "县域", "州际", "乡村", "镇村", "省级", "市级", "区级", "县级")
_OWN_PREFIX = re.compile(r"^(?:各|全|国家|国务院|中国|中央|中共|国网|国有|团[市区县省]委|有关|相关|其他|驻)")

# Surnames (single and double) for telling a person's name from a body's; titles that follow or precede names.
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳"
    "翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳"
    "时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖"
    "巩明佘池乐匡钮燕"
)
_PADDED_NAME = re.compile(
    "(?<![\u4e00-\u9fff])[" + "".join(sorted(_SURNAMES)) + "] [\u4e00-\u9fff](?=$|\\s|[" + "".join(sorted(_SURNAMES)) + "] )")
_DOUBLE_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "尉迟", "夏侯", "公孙", "长孙", "宇文")
_TITLES = re.compile(
    r"(?:常务)?副?(?:书记|区长|市长|县长|省长|镇长|乡长|主任|局长|部长|秘书长|主席|处长|科长|组长|调研员|巡视员|委员|常委|同志)$"
)
_TITLE_HEAD = re.compile(r"^(?:[市区县省]委)?(?:常委、?)?(?:常务)?副?(?:书记|区长|市长|县长|省长|镇长|乡长|主任|局长|部长|秘书长|主席)")


def strip_annotation(name: str) -> str:
    """区发展改革委(粮食和储备局) → 区发展改革委: the bracket names the same body, so the ending is outside it."""
    previous = None
    while previous != name:
        previous, name = name, _BRACKETED_TAIL.sub("", name).strip()
    return name


def is_unit_name(name: str) -> bool:
    """A single body (not a sentence, not a person): short, no duty verbs, and the ending of a body."""
    core = strip_annotation(name.strip())
    if not 2 <= len(core) <= 30 or _NOT_IN_NAME.search(core) or is_person_name(core):
        return False
    return bool(_BODY_END.search(core))


def is_bare_kind(name: str) -> bool:
    """街道, 社区, 单位: the kind of body alone, as a document says of itself (街道制定…), names no unit."""
    match = _BODY_END.search(strip_annotation(name.strip()))
    return match is not None and match.start() == 0


def is_person_name(text: str) -> bool:
    """张三, 欧阳明, 李明副区长, 副市长王强: a surname, one or two characters, with or without a title."""
    core = _TITLE_HEAD.sub("", _TITLES.sub("", text.strip())).strip()
    if core == text.strip() and _TITLES.search(text.strip()):
        return False
    if any(core.startswith(s) for s in _DOUBLE_SURNAMES):
        return 3 <= len(core) <= 4
    return 2 <= len(core) <= 3 and core[0] in _SURNAMES and not _BODY_END.search(core) and core.isalpha()


def person_name(text: str) -> str:
    """The bare name of a person written with a title: 李明副区长 → 李明."""
    return _TITLE_HEAD.sub("", _TITLES.sub("", text.strip())).strip() or text.strip()


def split_person_names(cell: str) -> list[str]:
    """A cell of people's names, each as written. A two-character name is often padded to the width of three
    with a space (`俞 悦`), and such names may run together (`陆 明俞 悦`): a surname, a space and one character
    is one name, kept with its space; other names are split at separators and spaces."""
    names: list[str] = []
    for piece in re.split(r"[、，,；;/]+", cell):
        rest = _PADDED_NAME.sub(lambda m: f"\x00{m.group(0)}\x00", piece.strip())
        for chunk in rest.split("\x00"):
            if _PADDED_NAME.fullmatch(chunk):
                names.append(chunk)
            else:
                names.extend(n for n in chunk.split() if n)
    return names


def is_person_list(cell: str) -> bool:
    names = split_person_names(cell)
    return bool(names) and all(is_person_name(n.replace(" ", "")) for n in names)


def place_prefix(name: str) -> str:
    """The place a body's name starts with: 市发改委 → 市, 杭州市余杭区财政局 → 杭州市余杭区, 发展改革委 → ''."""
    if _OWN_PREFIX.match(name):
        return ""
    match = _PLACE_PREFIX.match(name)
    if match and len(name) - match.end() >= 2:
        return match.group(0)
    if len(name) >= 3 and name[0] in _LEVEL_CHAR and not name.startswith(_NOT_LEVEL):
        return name[0]
    return ""


def _has_own_place(name: str) -> bool:
    """临潼供电分公司, 雁塔区文旅局, 团市委: a name that carries a place or a level of its own."""
    long_branch = name.endswith(("分局", "支队", "大队")) and len(name) > 5     # 供电临潼分局 names its own place
    zone = re.search(r"(?:高新|开发|经开|新|园|工业|保税|试验|示范)区", name)    # a zone is a place of its own
    own = _OWN_PREFIX.match(name) or place_prefix(name) or re.search(r"[市区县省](?!场)", name[:4])
    return bool(zone or _VERTICAL.search(name) or own or long_branch)


def expand_prefixes(names: list[str]) -> list[str]:
    """Give each unit without a place of its own the prefix of the first unit that has one:
    [市发改委, 国土房管局, 规划局] → [市发改委, 市国土房管局, 市规划局]. Ministries (发展改革委, 财政部) keep
    their names when no unit before them has a prefix."""
    prefix = ""
    out: list[str] = []
    for name in names:
        own = place_prefix(name)
        if own:
            prefix = own
            out.append(name)
        elif prefix and not _has_own_place(name) and _PREFIXABLE_END.search(strip_annotation(name)) and len(name) <= 12:
            out.append(prefix + name)
        else:
            out.append(name)
    return out


def is_unit_list(text: str) -> bool:
    """Whether a cell or a bracket holds only unit names (and placeholders such as 各街道): the content test
    for a unit column whose header is missing or unknown."""
    from .units import split_units

    listed = split_units(text, expand=False)
    names = listed.departments + listed.collective_units
    return bool(names) and all(is_unit_name(n) or n in listed.collective_units for n in names)


def is_name_list(text: str) -> bool:
    """The weaker test for a value a key declares to be units (责任单位：总部办、五金城): every part is a name,
    not a sentence, though its ending may be one no rule knows."""
    from .units import split_units

    listed = split_units(text, expand=False)
    names = listed.departments + [_ROLE_OF_PLACEHOLDER.sub("", n) for n in listed.collective_units] + listed.persons
    return bool(names) and all(len(n) <= 30 and not _NOT_IN_NAME.search(strip_annotation(n)) for n in names)


# 各项目牵头单位, 各配合单位: a placeholder for the bodies in a role; the role word is part of its name, not a verb
_ROLE_OF_PLACEHOLDER = re.compile(r"(?:牵头|配合|责任|负责)(?=单位$|部门$)")
