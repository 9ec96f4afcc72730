"""The shipped plan imports to exactly what the Markdown says."""

from collections import Counter

import pytest
from django.core.management import call_command

from apps.curriculum.models import Block, BlockItem, Milestone, Phase, Plan, Resource, Slot, Topic
from tests.conftest import SEED

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _no_plan_yet(no_plan):
    """These tests import plans into an instance that has none yet."""



@pytest.fixture
def seed():
    call_command("import_plan", str(SEED))
    return Plan.objects.get()


def test_it_uses_the_file_name_as_slug_and_reads_the_header(seed):
    assert seed.slug == "llm-engineer-180-days"
    assert seed.title == "大模型算法工程师学习计划（180天）"
    assert seed.author == "哦，我的朋友"
    assert seed.goal == "从Java后端工程师 → 大模型算法工程师"
    assert seed.period == "180天（约6个月）"
    assert seed.total_days == 180
    assert seed.updated == "2024-10-21"


def test_it_reads_the_route_overview_and_the_mindset(seed):
    assert seed.route == ["Python基础", "机器学习基础", "深度学习", "大模型原理", "大模型微调", "大模型应用"]
    assert seed.mindset[:3] == ["从Java后端到算法工程师是一次跨越，需要：", "耐心：算法需要时间沉淀", "坚持：180天不间断学习"]
    assert "工程思维：将算法与工程结合" in seed.mindset


def test_the_overview_shows_every_part_of_the_plan(seed, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader"))
    html = client.get(f"/plan/{seed.slug}/").content.decode()
    assert "By 哦，我的朋友 · last updated 2024-10-21" in html
    assert '<ol class="route"><li>Python基础</li><li>机器学习基础</li>' in html
    assert "06:00–07:00 阅读论文/技术博客" in html and "09:00–12:00 系统学习新知识" in html  # the daily rhythm
    assert "耐心：算法需要时间沉淀" in html


def test_it_has_five_phases_with_their_table_rows(seed):
    phases = list(Phase.objects.filter(plan=seed))
    assert [(p.number, p.start_day, p.end_day) for p in phases] == [
        (1, 1, 30), (2, 31, 60), (3, 61, 120), (4, 121, 150), (5, 151, 180),
    ]
    assert phases[0].title == "基础打牢"
    assert phases[0].summary == "Python + 数学基础 + 机器学习"
    assert phases[0].output == "完成基础算法实现"
    assert phases[4].output == "产出完整项目"


def test_it_has_twenty_blocks_covering_every_day(seed):
    blocks = list(Block.objects.filter(plan=seed).order_by("number"))
    assert [b.number for b in blocks] == list(range(1, 21))
    assert blocks[0].start_day == 1 and blocks[-1].end_day == 180
    for before, after in zip(blocks, blocks[1:], strict=False):
        assert after.start_day == before.end_day + 1
    assert blocks[8].title == "预训练语言模型" and (blocks[8].start_day, blocks[8].end_day) == (61, 74)
    assert blocks[19].title == "综合项目" and (blocks[19].start_day, blocks[19].end_day) == (172, 180)
    assert blocks[0].goal == "掌握Python核心语法与科学计算库"


def test_it_has_fifty_five_topics_whose_days_sum_to_180(seed):
    topics = list(Topic.objects.filter(plan=seed).select_related("block").order_by("start_day"))
    assert len(topics) == 55
    assert sum(t.days for t in topics) == 180
    covered = [day for t in topics for day in range(t.start_day, t.end_day + 1)]
    assert covered == list(range(1, 181))

    def days(block_number):
        return [t.days for t in topics if t.block.number == block_number]

    assert days(1) == [3, 2, 2]
    assert days(5) == [3, 2, 2]
    assert days(13) == [2, 1, 1]  # 第十七周: bare bullets are its topics
    assert days(9) == [7, 7]
    assert [t.title for t in topics if t.block.number == 20] == ["综合项目"]


def test_it_strips_durations_but_keeps_other_parentheses(seed):
    titles = set(Topic.objects.filter(plan=seed).values_list("title", flat=True))
    assert "Python核心语法" in titles
    assert "经典架构（LeNet、VGG、ResNet）" in titles
    assert "SFT（Supervised Fine-Tuning）" in titles
    first = Topic.objects.get(plan=seed, key="1.1")
    assert first.points == ["数据类型、控制流、函数、类", "装饰器、生成器、上下文管理器", "异常处理、文件操作"]


def test_it_has_projects_choices_and_deliverables(seed):
    items = Counter(BlockItem.objects.filter(block__plan=seed).values_list("kind", flat=True))
    assert items == {"project": 34, "choice": 4, "deliverable": 3}
    last = BlockItem.objects.filter(block__plan=seed, block__number=20)
    assert [i.text for i in last if i.kind == "choice"] == ["垂直领域大模型", "智能客服系统", "代码生成助手", "知识图谱+LLM"]
    assert [i.text for i in last if i.kind == "deliverable"] == ["完整的技术文档", "可运行的代码", "效果展示与分析"]


def test_it_has_sixteen_resources(seed):
    resources = list(Resource.objects.filter(plan=seed))
    assert Counter(r.kind for r in resources) == {"paper": 6, "book": 3, "project": 4, "course": 3}
    first = resources[0]
    assert (first.kind, first.title, first.note) == ("paper", "Attention Is All You Need", "Transformer原论文")
    book = next(r for r in resources if r.kind == "book")
    assert (book.title, book.note) == ("《深度学习》", "Ian Goodfellow")


def test_it_has_four_milestones_with_two_items_each(seed):
    milestones = Milestone.objects.filter(plan=seed).prefetch_related("items")
    assert [(m.day, len(m.items.all())) for m in milestones] == [(30, 2), (60, 2), (120, 2), (180, 2)]


def test_it_has_the_daily_rhythm(seed):
    slots = [(s.days, s.number, f"{s.start:%H:%M}", f"{s.end:%H:%M}", s.activity) for s in Slot.objects.filter(plan=seed)]
    assert slots == [
        ("weekday", 1, "06:00", "07:00", "阅读论文/技术博客"),
        ("weekday", 2, "12:00", "13:00", "视频课程学习"),
        ("weekday", 3, "20:00", "23:00", "动手实践编码"),
        ("weekend", 1, "09:00", "12:00", "系统学习新知识"),
        ("weekend", 2, "14:00", "17:00", "项目实践"),
        ("weekend", 3, "20:00", "22:00", "整理笔记与复盘"),
    ]


def test_it_has_five_pieces_of_advice(seed):
    assert len(seed.advice) == 5
    assert seed.advice[2] == "输出驱动：写博客、做分享"


def test_every_resource_belongs_with_a_block_or_a_topic(seed):
    from apps.curriculum.models import Resource

    unlinked = [r.title for r in Resource.objects.filter(plan=seed) if not r.blocks.exists() and not r.topics.exists()]
    assert unlinked == []
    where = {r.title: ([b.title for b in r.blocks.all()], [t.title for t in r.topics.all()]) for r in Resource.objects.filter(plan=seed)}
    assert where["DeepSpeed"] == ([], ["分布式训练"])
    assert where["CS224N"] == (["NLP基础"], []) and where["《Speech and Language Processing》"] == (["NLP基础"], [])
    assert where["CS25"] == (["Transformer架构"], []) and where["Hugging Face Transformers"] == (["Transformer架构"], [])
    assert where["李沐《动手学深度学习》"] == (["深度学习入门"], []) and where["《Dive into Deep Learning》"] == (["深度学习入门"], [])
