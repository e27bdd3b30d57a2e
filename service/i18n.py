"""The pages' words, Chinese first and English on request, in one catalogue: the staff of a 安委办 read Chinese,
auditors from elsewhere sometimes do not. The language is chosen by `?lang=zh|en` (remembered in a cookie),
else the cookie, else the browser's Accept-Language (Chinese unless the browser prefers English)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

LANGUAGES = ("zh", "en")
COOKIE = "lang"

# key: (中文, English). Codes from the analyses (reasons, kinds) are keys too, so a new code shows as itself
# until it is added here, never as an error.
CATALOGUE: dict[str, tuple[str, str]] = {
    # frame
    "brand": ("任务分工知识图谱", "Duty allocation graph"),
    "nav.home": ("首页", "Home"),
    "nav.departments": ("部门", "Departments"),
    "nav.facility-types": ("设施类型", "Facility types"),
    "nav.regulations": ("法规文件", "Regulations"),
    "nav.upload": ("上传文件", "Upload"),
    "nav.deadlines": ("完成时限", "Deadlines"),
    "nav.viz": ("网络图", "Network"),
    "nav.sparql": ("SPARQL 查询", "SPARQL"),
    "nav.api": ("接口文档", "API"),
    "search.placeholder": ("搜索任务，如 燃气管道", "Search duties, e.g. 燃气管道"),
    "search.button": ("搜索", "Search"),
    "plan.label": ("计划", "Plan"),
    "plan.all": ("全部计划（分列显示）", "All plans (plan column shown)"),
    "plan.choose": ("切换", "Switch"),
    "lang.other": ("English", "中文"),
    "footer": ("数据来自已载入的任务分工文件；每张表都可下载为 Excel 或 CSV。",
               "Data from the loaded allocation documents; every table downloads as Excel or CSV."),
    "footer.sparql": ("SPARQL 接口", "SPARQL endpoint"),
    "footer.health": ("运行状态", "Health"),
    # home
    "home.title": ("安全发展示范城市任务分工", "Duty allocation for safe-city campaigns"),
    "home.intro": ("把各级政府的任务分工表、实施方案整理成一张图：每项任务、牵头和配合单位、涉及的设施、引用的法规和完成时限，都可以查询、"
        "核对和下载。",
                   "The allocation tables and implementation plans of each government as one graph: every duty, its lead and "
                   "co-responsible units, the facilities it concerns, the rules it cites and its deadline — to query, check and download."),
    "home.questions": ("常见问题", "Questions"),
    "home.tools": ("其他工具", "Other tools"),
    "home.plans": ("已载入的计划", "Loaded plans"),
    "home.upload": ("上传新的任务分工文件（Word、Excel、PDF）。", "Upload a new allocation document (Word, Excel, PDF)."),
    "home.deadlines": ("按完成时限查看任务，找出即将到期和已经逾期的任务。", "Duties by deadline: what is due soon and what is overdue."),
    "home.viz": ("以网络图浏览部门、任务和设施之间的关系。", "Browse departments, duties and facilities as a network."),
    "home.sparql": ("自行编写 SPARQL 查询；示例就是本系统使用的查询。", "Write your own SPARQL; the examples are the queries this service runs."),
    # questions: title, one sentence
    "q.shared-facilities": ("哪些部门共同负责同一类设施？", "Which departments share a facility type?"),
    "q.shared-facilities.about": ("按设施类型列出负责的部门和任务，区分牵头与配合；"
        "展开可看每个部门的具体任务。下方的责任矩阵按部门和设施类型汇总任务数。",
                                  "Per facility type, the departments and duties, lead and co-responsible apart; expand a row for each "
                                      "department's duties. The matrix counts duties per department and facility type."),
    "q.shared-facilities.by_function": ("全部计划：不同政府的部门是不同的单位，因此按职能比较——每类设施由哪些职能"
        "在哪些政府承担，展开可看各政府的具体部门。选择一个计划可查看该计划内的部门组合。",
                                        "All plans: two governments' departments are different bodies, so they are compared by "
                                        "function — which functions carry each facility type in which governments; expand a row for "
                                        "each government's departments. Choose one plan for the department pairs within it."),
    "q.orphans": ("哪些任务无人具体负责？", "Which duties has nobody concrete accountable?"),
    "q.orphans.about": ("没有具体责任单位、只写集合性单位、缺少完成时限或工作要求的任务，以及计划层面的缺口。",
                        "Duties without a concrete unit, with only collective units, without deadline or requirements, and plan-level gaps."),
    "dismiss.intro": ("忽略误报：填写署名和令牌，在结论下写明理由。",
                      "Dismiss a false finding: give your name and the token, then a reason under the finding."),
    "dismiss.by": ("署名", "Your name"),
    "dismiss.token": ("令牌", "Token"),
    "dismiss.reason": ("忽略理由", "Reason to dismiss"),
    "dismiss.button": ("忽略", "Dismiss"),
    "dismiss.undo": ("撤销忽略", "Undo"),
    "dismiss.dismissed": ("已忽略：{reason}", "Dismissed: {reason}"),
    "dismiss.cli": ("在命令行忽略此结论", "Dismiss it on the command line"),
    "q.duplicates": ("哪些任务重复下达？", "Which duties are given twice?"),
    "q.duplicates.about": ("同一计划中内容重复或交叉的两项任务，左右对照，不同之处已标出；按类别分组、按可信度排序。",
                           "Pairs of duties of one plan that repeat or overlap, side by side with the differences marked; grouped by kind, "
                               "by confidence."),
    "q.dependencies": ("任务之间有什么依赖？", "Which duties depend on others?"),
    "q.dependencies.about": ("一项任务需要另一项任务先建成的平台、制度、方案等，附依据原文。",
                             "A duty that needs what another duty builds first (a platform, a system, a plan …), with the evidence."),
    "q.alignments": ("区县任务对应哪些上级任务？", "Which duties of other plans correspond?"),
    "q.alignments.about": ("每项任务在其他计划中最相近的任务，附相似度。", "For each duty, the most similar duties of the other plans, with "
        "a score."),
    "q.centrality": ("谁处在安全责任体系的中心？", "Who is at the centre of the safety system?"),
    "q.centrality.about": ("在“部门—设施类型”网络中联系最广的部门。", "Departments most connected in the department–facility network."),
    "q.centrality.by_function": ("全部计划：中心度在每个政府自己的网络中计算，不把两个政府的部门排在一起；"
        "这里按职能比较各政府（一个部门有多项职能时平均分摊），数值为各政府的平均值，展开可看各政府的数值和部门。",
                                 "All plans: centrality is measured in each government's own network and two governments' "
                                 "departments are never ranked together; governments are compared by function here (a body with "
                                 "several functions split evenly), the value the mean over governments; expand for each government's."),
    "q.matrix": ("责任矩阵", "Responsibility matrix"),
    "q.matrix.about": ("每个格子是该部门负责该类设施的任务数（牵头＋配合），颜色越深任务越多。页面显示任务最多的 {n} 类设施，完整矩阵请下载 Excel。",
                       "Each cell counts the department's duties on the facility type (lead + co); darker is more. The page shows the {n} "
                           "busiest types; download Excel for all."),
    "q.matrix.pick": ("责任矩阵按计划编制，请先在上方选择一个计划：", "The matrix is per plan; choose one:"),
    "q.matrix.link": ("查看责任矩阵（部门 × 设施类型）", "Responsibility matrix (department × facility type)"),
    # table frame
    "t.filter": ("筛选", "Filter"),
    "t.filter.placeholder": ("在本表中查找", "Find in this table"),
    "t.all": ("全部", "All"),
    "t.rows": ("共 {matched} 条", "{matched} rows"),
    "t.rows.of": ("共 {matched} 条（全部 {total} 条）", "{matched} of {total} rows"),
    "t.page": ("第 {page} / {pages} 页", "page {page} of {pages}"),
    "t.prev": ("上一页", "Previous"),
    "t.next": ("下一页", "Next"),
    "t.size": ("每页", "Per page"),
    "t.download": ("下载", "Download"),
    "t.excel": ("Excel", "Excel"),
    "t.csv": ("CSV", "CSV"),
    "t.json": ("JSON 数据", "JSON"),
    "t.sparql": ("查询语句", "SPARQL"),
    "t.none": ("没有符合条件的记录。", "Nothing matches."),
    "t.clear": ("清除筛选", "Clear"),
    "t.expand": ("展开", "Expand"),
    # columns
    "c.plan": ("计划", "Plan"),
    "c.number": ("序号", "No."),
    "c.kind": ("类别", "Kind"),
    "c.task": ("任务", "Duty"),
    "c.text": ("任务内容", "Duty"),
    "c.requirements": ("工作要求", "Requirements"),
    "c.lead": ("牵头单位", "Lead"),
    "c.departments": ("责任单位", "Units"),
    "c.co": ("配合单位", "Co-responsible"),
    "c.collective": ("集合性单位", "Collective units"),
    "c.deadline": ("完成时限", "Deadline"),
    "c.reasons": ("问题", "Problems"),
    "c.facility_type": ("设施类型", "Facility type"),
    "c.n_departments": ("部门数", "Departments"),
    "c.n_tasks": ("任务数", "Duties"),
    "c.n_lead": ("牵头部门数", "Leading"),
    "c.n_co": ("仅配合部门数", "Only supporting"),
    "c.dept_list": ("负责部门", "Departments"),
    "c.confidence": ("可信度", "Confidence"),
    "c.text_a": ("任务甲", "Duty A"),
    "c.text_b": ("任务乙", "Duty B"),
    "c.evidence": ("依据", "Evidence"),
    "c.from": ("需要前提的任务", "Duty that depends"),
    "c.to": ("作为前提的任务", "Duty it depends on"),
    "c.score": ("相似度", "Score"),
    "c.candidate": ("对应任务", "Corresponding duty"),
    "c.candidate_plan": ("对应任务所在计划", "Its plan"),
    "c.rank": ("名次", "Rank"),
    "c.rank_within": ("本政府内名次", "Rank in its government"),
    "c.function": ("职能", "Function"),
    "c.family": ("职能类别", "Function family"),
    "c.n_governments": ("政府数", "Governments"),
    "c.governments": ("政府", "Governments"),
    "c.mean_centrality": ("平均中心度", "Mean centrality"),
    "c.mean_betweenness": ("平均中介度", "Mean betweenness"),
    "c.department": ("部门", "Department"),
    "c.centrality": ("中心度", "Centrality"),
    "c.betweenness": ("中介度", "Betweenness"),
    "c.name": ("名称", "Name"),
    "c.jurisdiction": ("辖区", "Jurisdiction"),
    "c.level": ("层级", "Level"),
    "c.functions": ("职能", "Functions"),
    "c.unit_kind": ("单位类别", "Kind of unit"),
    "c.broader": ("上位类型", "Broader type"),
    "c.title": ("标题", "Title"),
    "c.doc_number": ("文号", "Number"),
    "c.implemented_by": ("贯彻落实该文件的计划", "Plans implementing it"),
    "c.drafted_by": ("要求制定该文件的计划", "Plans ordering it written"),
    "c.publisher": ("发文单位", "Issued by"),
    "c.role": ("角色", "Role"),
    "c.about": ("对象", "About"),
    "c.section": ("章节", "Section"),
    "c.facility_types": ("涉及设施", "Facility types"),
    "c.regulations": ("引用法规", "Regulations"),
    "c.indicators": ("量化指标", "Targets"),
    "c.source": ("来源", "Source"),
    "c.match": ("匹配度", "Match"),
    "c.pairs": ("同一任务上共同负责的部门", "Departments named on one duty together"),
    "c.lead_duties": ("牵头的任务", "Duties it leads"),
    "c.co_duties": ("配合的任务", "Duties it supports"),
    # values
    "v.lead": ("牵头", "lead"),
    "v.co": ("配合", "co-responsible"),
    "v.collective": ("集合性单位", "collective unit"),
    "v.department": ("具体部门", "department"),
    "v.none": ("—", "—"),
    "v.no_function": ("（未识别职能）", "(function not known)"),
    "v.no_text": ("（无任务表述）", "(no statement)"),
    "v.etc": ("等相关部门", "and others"),
    "v.gap": ("计划缺口", "plan gap"),
    "gap": ("计划缺口", "plan gap"),
    "v.more": ("等 {n} 个部门", "and {n} more"),
    "v.others": ("同组其他任务", "Other duties of the family"),
    "task": ("任务", "duty"),
    "measure": ("措施", "measure"),
    "schedule": ("进度安排", "schedule item"),
    "item": ("第 {number} 项{kind}", "{kind} {number}"),
    # reasons (graph/orphans.py)
    "collective_only": ("仅有集合性单位", "only collective units"),
    "empty_task": ("无任务表述", "no statement"),
    "no_deadline": ("无完成时限", "no deadline"),
    "open_ended": ("责任单位未列全（“等”）", "open list of units (等)"),
    "no_requirements": ("无工作要求", "no requirements"),
    "no_units": ("无具体责任单位", "no concrete unit"),
    "facility_not_covered": ("设施类型无任务覆盖", "facility type not covered"),
    "unit_without_task": ("单位未分配任务", "unit without a duty"),
    # duplicate kinds (graph/duplicates.py)
    "duplicate": ("重复", "duplicate"),
    "overlap": ("交叉", "overlap"),
    "restates": ("措施复述任务", "measure restates a duty"),
    "parallel": ("平行（同一模板、不同对象）", "parallel (one template, other objects)"),
    # dependency kinds (graph/dependencies.py)
    "explicit": ("明确提到", "named explicitly"),
    "construction_then_operation": ("先建设后运行", "build, then operate"),
    "schedule_order": ("进度先后", "schedule order"),
    "measure_to_task": ("措施落实为任务", "measure carried out by a duty"),
    # entity pages
    "e.duties": ("相关任务", "Duties"),
    "e.in_network": ("在网络图中查看", "Show in the network"),
    "e.duty_list_docx": ("下载责任清单（Word）", "Duty list (Word)"),
    "e.duty_list_xlsx": ("下载责任清单（Excel）", "Duty list (Excel)"),
    "e.other_plans": ("该部门在所选计划中没有任务，下面列出它在全部计划中的任务。",
                      "This unit has no duty in the chosen plan; its duties in all plans are listed."),
    "e.shared_with": ("负责该类设施的部门", "Departments on this type"),
    "e.dependencies": ("依赖关系", "Dependencies"),
    "e.depends_on": ("需要先完成", "needs first"),
    "e.needed_by": ("是以下任务的前提", "is needed by"),
    "e.corresponding": ("其他计划中的对应任务", "Corresponding duties in other plans"),
    "e.problems": ("存在的问题", "Problems"),
    "e.search": ("搜索：{q}", "Search: {q}"),
    "e.search.none": ("没有找到相关任务。", "No duty matches."),
    "e.search.empty": ("请输入要查找的词语，如“燃气管道”“电梯”。", "Type words to look for, e.g. 燃气管道, 电梯."),
    "e.sparql.intro": ("默认图为全部计划的并集。示例就是本系统回答问题时使用的查询（graph/queries/*.rq）。",
                       "The default graph is the union of all plans. The examples are the queries this service runs."),
    "e.sparql.example": ("示例", "Example"),
    "e.sparql.run": ("运行", "Run"),
}


@dataclass(frozen=True)
class Messages:
    """The catalogue in one language; `t(key, **values)` formats a message, unknown keys come back as given."""

    lang: str

    def __call__(self, key: str | None, **values: object) -> str:
        if key is None:
            return ""
        pair = CATALOGUE.get(key)
        text = key if pair is None else pair[LANGUAGES.index(self.lang)]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in CATALOGUE


def choose(query: Mapping[str, str], cookies: Mapping[str, str], accept_language: str) -> str:
    """?lang= first, then the remembered choice, then the browser's first language (zh unless it is en)."""
    for value in (query.get("lang"), cookies.get(COOKIE)):
        if value in LANGUAGES:
            return value
    first = accept_language.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "zh"


# The analyses' evidence sentences that are generated rather than quoted (graph/dependencies.py): said again
# in the reader's language; anything else is a quotation from the documents and is shown as it is.
EVIDENCE = [
    (re.compile(r"duty (?P<duty>\d+) implements measure (?P<measure>\d+) \(text similarity (?P<score>[\d.]+)\)"),
     "ev.implements"),
    (re.compile(r"schedule step (?P<b>\d+) (?P<qb>「.*?」) continues step (?P<a>\d+) (?P<qa>「.*?」)"
                r"(?: \((?P<from>.*?) → (?P<to>.*?)\))?$"), "ev.continues"),
]
CATALOGUE.update({
    "ev.implements": ("第 {duty} 项任务落实第 {measure} 项措施（文字相似度 {score}）",
                      "duty {duty} implements measure {measure} (text similarity {score})"),
    "ev.continues": ("第 {b} 步{qb}接续第 {a} 步{qa}{dates}", "schedule step {b} {qb} continues step {a} {qa}{dates}"),
})

# the deadlines page (/deadlines)
CATALOGUE.update({
    "d.title": ("任务时限", "Deadlines"),
    "d.state": ("状态", "State"),
    "d.no_text": ("（原文未写任务表述）", "(no statement in the document)"),
    "d.passed": ("时限已过", "Past deadline"),
    "d.coming": ("未到期", "Not yet due"),
    "d.listed": ("仅列出前 {listed} 项（共 {n} 项）；在上方选择一个计划可查看全部。",
                 "The first {listed} of {n} listed; choose one plan above to see them all."),
    "d.as_of_date": ("截至日期：", "As of: "),
    "d.show": ("查看", "Show"),
    "d.as_of": ("截至", "As of"),
    "d.of_plan": ("，《{title}》", ", {title}"),
    "d.of_plans": ("，全部 {n} 个计划", ", all {n} plans"),
    "d.colon": ("：", ":"),
    "d.dated": ("有明确完成时限的任务", "duties with a clear deadline:"),
    "d.dated_passed": (" 项，其中时限已过", ", of which past their deadline:"),
    "d.rest": (" 项；长期坚持、持续推进类任务 {open} 项；时限不明确 {unclear} 项；未写时限 {undated} 项。",
               "; ongoing duties (长期坚持) {open}; deadline unclear {unclear}; no deadline written {undated}."),
    "d.note": ("说明：本系统只记录方案规定的完成时限，不记录任务是否已经完成。“时限已过”表示完成时限早于截至日期，"
               "请对照各部门报送的进展核实。",
               "Note: the service records the deadlines the plans set, not whether a duty was done. \"Past deadline\" "
               "means the deadline is before the date shown; check it against the departments' progress reports."),
    "d.by_month": ("按月份", "By month"),
    "d.n": ("{n} 项", "{n} duties"),
    "d.n_passed": ("（时限已过 {n} 项）", " ({n} past deadline)"),
    "d.by_department": ("按部门", "By department"),
    "d.with_deadline": ("有时限的任务", "With a deadline"),
    "d.next_due": ("最近的完成时限", "Next deadline"),
    "d.open_short": ("长期任务", "Ongoing"),
    "d.duty_list": ("责任清单", "Duty list"),
    "d.view": ("查看", "View"),
    "d.open_title": ("长期坚持、持续推进类任务（{n} 项）", "Ongoing duties ({n})"),
    "d.open_about": ("这些任务没有截止日期，不计入“时限已过”。", "These duties have no end date and are never past their deadline."),
    "d.expand": ("展开 {n} 项", "Show {n}"),
    "d.unclear_title": ("时限不明确或未写时限（{n} 项）", "Deadline unclear or not written ({n})"),
    "d.unclear_about": ("时限写了但不是日期（如“规划水平年”“按照国家确定时间实施”）{unclear} 项；方案中未写时限 {undated} 项。",
                        "A deadline written but no date (such as 规划水平年 or 按照国家确定时间实施): {unclear}; no deadline "
                        "in the plan: {undated}."),
})


def day(value: object, lang: str) -> str:
    """A date as the reader writes it: 2020年11月15日, or 2020-11-15."""
    if value is None or not hasattr(value, "year"):
        return "—"
    return f"{value.year}年{value.month}月{value.day}日" if lang == "zh" else value.isoformat()  # type: ignore[attr-defined]


def evidence(text: str | None, t: Messages) -> str:
    for pattern, key in EVIDENCE:
        match = pattern.fullmatch(text or "")
        if match:
            values = {k: v or "" for k, v in match.groupdict().items()}
            dates = f"（{values.pop('from')} → {values.pop('to')}）" if values.get("from") else ""
            values.pop("from", None), values.pop("to", None)
            return t(key, dates=dates, **values) if key == "ev.continues" else t(key, **values)
    return text or ""
