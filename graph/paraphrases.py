"""Domain wording knowledge for comparing duties across phrasings: which verbs order the same action,
which abbreviations stand for several facility types, and which words are interchangeable spellings of
one object. Facility concepts themselves (with their altLabels, e.g. 粉尘涉爆 = 粉尘防爆, 油气长输管道 =
石油天然气输送管道) live in ontology/facilities.ttl; this module only holds what is not a facility
concept. Used by graph/duplicates.py to compare the action and object slots of two clauses.

Every entry is general Chinese safety-administration usage, not a pair taken from a particular plan."""
from __future__ import annotations

# --- Actions ---------------------------------------------------------------------------------------
# Surface verb (or verbal noun, as in 改造率 / 执法检查) -> action class. Two clauses can only order the
# same thing when they share a class. Classes are kept narrow on purpose: 制定 (draft a rule) is not
# 推进 (promote compliance), 检查 (inspect) is not 检测 (technical testing) nor 排查 (hazard screening).
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
    # hazard screening
    "排查": "screen",
    # remediation campaigns (隐患治理, 专项整治)
    "治理": "remediate", "整治": "remediate", "专项整治": "remediate",
    # renovation of old installations
    "改造": "renovate", "维修改造": "renovate", "升级改造": "renovate",
    # drawing maps
    "绘制": "map",
    # making insurance / schemes mandatory or in force (实行安全生产责任保险 = 实施安全生产责任保险)
    "实行": "enforce", "推行": "enforce",
    # cracking down on violations
    "打击": "crack-down", "查处": "crack-down", "取缔": "crack-down",
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
}

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
