"""Forms of the plan format that mutation testing found untested, each imported and recorded: an inline
block label, a plain "> Author: X" line, a second "#" heading, a resource heading with an aside in
brackets, and milestone titles."""

import pytest
from django.core.management import call_command

from apps.curriculum.models import BlockItem, Milestone, Plan, Resource

pytestmark = pytest.mark.django_db

PLAN = """# 两周小计划

> Author: 小王
> 目标：试一试

## 阶段一：起步（Day 1-14）

### 第一周（Day 1-7）：基础

**学习内容**：
1. 环境搭建（7天）

**实践项目**：搭建知识库

### 第二周（Day 8-14）：进阶

**学习内容**：
1. 写测试（7天）

**产出要求**：一篇博客

## 学习资源推荐

### 必读论文（10篇）
1. **Attention Is All You Need** - Transformer 原论文

### 在线课程【免费】
- 《动手学深度学习》 - 李沐

## 阶段性里程碑

### 7天里程碑：环境就绪
- [ ] 能跑通示例

### 第14天里程碑
- [ ] 写完博客

# 附录

- 这一行不属于任何周块
"""


def test_each_form_imports_and_is_recorded(tmp_path):
    path = tmp_path / "small.md"
    path.write_text(PLAN, encoding="utf-8")
    call_command("import_plan", str(path), slug="small", stdout=None)
    plan = Plan.objects.get(slug="small")
    assert plan.title == "两周小计划"  # the second "#" heading is not the title
    assert (plan.author, plan.goal) == ("小王", "试一试")
    items = {(i.block.number, i.kind): i.text for i in BlockItem.objects.filter(block__plan=plan)}
    assert items[(1, "project")] == "搭建知识库"  # "**实践项目**：搭建知识库" on one line
    assert items[(2, "deliverable")] == "一篇博客"
    assert "这一行不属于任何周块" not in items.values()
    resources = [(r.kind, r.title) for r in Resource.objects.filter(plan=plan)]
    assert resources == [("paper", "Attention Is All You Need"), ("course", "《动手学深度学习》")]
    milestones = [(m.day, m.title) for m in Milestone.objects.filter(plan=plan).order_by("day")]
    assert milestones == [(7, "7天里程碑：环境就绪"), (14, "第14天里程碑")]


SMALL = """# {title}

> {meta}

{table}

## 阶段一：起步（Day 1-7）

### 第一周（Day 1-7）：基础

**学习内容**：
1. 环境搭建（7天）

## Phase 2: Onward (Day 8-14)

### Week 2 (Day 8-14): More

**Topics**:
1. Testing (7 days)
"""


def import_small(tmp_path, slug, **parts):
    path = tmp_path / f"{slug}.md"
    path.write_text(SMALL.format(**parts), encoding="utf-8")
    call_command("import_plan", str(path), slug=slug, stdout=None)
    plan = Plan.objects.get(slug=slug)
    return plan, {p.number: (p.summary, p.output) for p in plan.phases.all()}


def test_an_overview_table_is_matched_by_phase_number_in_any_order_without_an_output_column(tmp_path):
    table = """| 阶段 | 时间 | 核心内容 |
|:---:|---|---|
| 阶段二 | 一周 | 进阶内容 |
| 阶段一 | 一周 | **基础**内容 |"""
    plan, phases = import_small(tmp_path, "zh-table", title="表格计划", meta="最后更新：2026-01-05 10:30", table=table)
    assert phases == {1: ("基础内容", ""), 2: ("进阶内容", "")}
    assert plan.updated == "2026-01-05 10:30"  # a colon in the value is kept


def test_an_overview_table_is_matched_by_days_when_it_names_no_phase_and_read_without_a_summary_column(tmp_path):
    table = """| Stage | Days | Output |
|---|---|---|
| Foundations | Day 1-7 | A notebook |
| phase 2 | 8 | A blog |"""
    _plan, phases = import_small(tmp_path, "en-table", title="Table plan", meta="Author: Someone", table=table)
    assert phases == {1: ("", "A notebook"), 2: ("", "A blog")}  # row 2 by its (lower-case) phase number


def test_another_table_is_not_read_as_the_overview(tmp_path):
    table = """| Tool | Use |
|---|---|
| Git | versions |"""
    _plan, phases = import_small(tmp_path, "other-table", title="Other", meta="Goal: x", table=table)
    assert phases == {1: ("", ""), 2: ("", "")}


MORE = """# __Plan__ of **forms**

> 作者：第一位
> 作者：第二位
> 备注：不是已知的标签

## 阶段一（Day 1-7）

### 第一周（Day 1-7）

**学习内容**：
1. 入门（3天）

#### 小贴士

2. 练习（4天）

### 小结

- 这不是第一周的主题

## Phase 2: Onward (Day 8-14)

### Week 2 (Day 8-14): More

**Topics**:
1. __Testing__ (7 days)

## 学习资源推荐

### 必读书籍
1. 《书名》 - 作者 - 第二版

## 每日学习节奏

### 工作日（周一至周五）
- 06:00-07:00：阅读
- 22:00-24:00：编码

### 周末
- 上午：复习

## 学习建议

### Stage 3 thoughts
- 慢慢来
"""


def test_more_forms(tmp_path):
    path = tmp_path / "more.md"
    path.write_text(MORE, encoding="utf-8")
    call_command("import_plan", str(path), slug="more", stdout=None)
    plan = Plan.objects.get(slug="more")
    assert plan.title == "Plan of forms" and plan.author == "第一位"  # markup gone; the first author line wins
    assert [(p.number, p.title) for p in plan.phases.all()] == [(1, "阶段一（Day 1-7）"), (2, "Onward")]
    block = plan.blocks.get(number=1)
    assert block.title == "第一周（Day 1-7）"  # a week with no title of its own keeps its heading
    assert [(t.title, t.start_day, t.end_day) for t in block.topics.order_by("start_day")] == [("入门", 1, 3), ("练习", 4, 7)]
    assert plan.topics.get(key="2.1").title == "Testing"
    assert Resource.objects.get(plan=plan).note == "作者 - 第二版"
    slots = [(s.days, s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in plan.slots.order_by("days", "number")]
    assert slots == [("weekday", "06:00", "07:00"), ("weekday", "22:00", "00:00"), ("weekend", "09:00", "12:00")]


def test_a_rhythm_line_without_a_time_is_refused_by_its_line(tmp_path):
    from apps.curriculum.parsing import PlanFileError, parse_markdown
    from apps.curriculum.validation import load_plan_bytes

    text = MORE.replace("- 06:00-07:00：阅读", "- 随便看看")
    with pytest.raises(PlanFileError) as refused:
        load_plan_bytes(text.encode())
    line = text.splitlines().index("- 随便看看") + 1
    assert f"line {line}: rhythm line '随便看看' needs a time range" in str(refused.value)
    late = MORE.replace("- 06:00-07:00：阅读", "- 25:00-26:00：阅读")
    with pytest.raises(PlanFileError) as refused:
        load_plan_bytes(late.encode())
    assert "has a time that does not exist" in str(refused.value)
    assert parse_markdown(MORE)["rhythm"][1]["_line"] == MORE.splitlines().index("- 22:00-24:00：编码") + 1


EDGES = """# Edges ##

```mermaid
graph LR
  A[基础] --> B[进阶] --> A2[基础]
```

| 阶段 | 时间 | 核心内容 |
|---|---|---|
| 阶段九 | Day 1-7 | 不存在的阶段 |

## 学习路线概览

```mermaid
graph LR
  A[基础] --> B[进阶] --> C[基础]
```

## 阶段一：起步（Day 1-14）

### 第一周（Day 1-7）：基础

**实践项目**：
- 写一个爬虫
  - 用 requests

**学习内容**：
1. 入门（两星期）

### 第二周（Day 8-14）：继续
- 练习（7天）

## 学习心态

> 慢就是快
---
- 每天一点

## 阶段性里程碑

### 14天里程碑
- [ ] 完成

### 后记
- 这不是里程碑的一项

## 学习资源

### 必读论文
1. **一篇论文**

## 其他
- 这一行哪里也不属于
"""


def test_edge_forms(tmp_path):
    from apps.curriculum.parsing import parse_markdown

    data = parse_markdown(EDGES)
    assert data["title"] == "Edges" and data["_line"] == 1  # a closing run of #s is not part of the title
    assert data["route"] == ["基础", "进阶"]  # a node named twice is listed once
    assert data["mindset"] == ["慢就是快", "每天一点"]  # a --- rule is no line of it
    block = data["phases"][0]["blocks"][0]
    assert block["projects"] == ["写一个爬虫；用 requests"]  # a sub-point joins its project
    assert block["topics"][0]["days"] == 14  # 两星期: weeks in Chinese
    assert [m["items"] for m in data["milestones"]] == [["完成"]]
    assert data["phases"][0]["summary"] == ""  # a table row naming a phase that does not exist goes nowhere
    assert [r["title"] for r in data["resources"]] == ["一篇论文"]  # "其他" is no resource section


def test_bad_files_are_refused_with_the_line(tmp_path):
    from apps.curriculum.parsing import PlanFileError, check_size, decode

    with pytest.raises(PlanFileError) as refused:
        decode("# 标题\n第二行\n".encode() + b"\xff")
    assert refused.value.problems == ["line 3: the file is not UTF-8 text (byte 20); save it as UTF-8"]
    with pytest.raises(PlanFileError) as refused:
        check_size("# a\nb\x00c\n")
    assert refused.value.problems == ["line 2: a NUL character; this is not a plain text plan"]
    with pytest.raises(PlanFileError) as refused:
        check_size("\x00\n" * 30)
    assert len(refused.value.problems) == 20  # the first twenty problems are enough


def test_inline_labels_and_an_indented_first_topic():
    from apps.curriculum.parsing import parse_markdown

    text = """# T

## 阶段一：起步（Day 1-7）

### 第一周（Day 1-7）：基础

**实践项目**：项目甲

**实践项目**：项目乙

**学习内容**：
  - 缩进的第一项（3天）
  - 第二项（4天）
"""
    block = parse_markdown(text)["phases"][0]["blocks"][0]
    assert block["projects"] == ["项目甲", "项目乙"]
    assert [(t["title"], t["days"]) for t in block["topics"]] == [("缩进的第一项", 3), ("第二项", 4)]
    bad = parse_markdown(text.replace("**实践项目**：项目甲", "**学习内容**：入门（0天）"))
    assert "line 7: duration '（0天）' is not a positive number of days or weeks" in bad["_problems"]
