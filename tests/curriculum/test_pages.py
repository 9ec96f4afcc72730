"""Plan pages: overview, block, resources, milestones."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_shows_the_overview_timeline(alice_client, plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = alice_client.get(f"/plan/{plan.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "大模型算法工程师学习计划（180天）" in html
    assert "基础打牢" in html and "Python + 数学基础 + 机器学习" in html
    assert "Day 151–180" in html
    assert html.count('href="/plan/llm/blocks/') == 20


def test_the_overview_runs_the_same_queries_for_a_bigger_plan(alice_client, plan, django_assert_max_num_queries):
    from tests.conftest import PLANS

    call_command("import_plan", str(PLANS / "english-42.md"), slug="small", stdout=None)
    with django_assert_max_num_queries(8) as small:
        alice_client.get("/plan/small/")
    with django_assert_max_num_queries(8) as big:
        alice_client.get(f"/plan/{plan.slug}/")
    assert len(big.captured_queries) == len(small.captured_queries)


def test_it_shows_a_block_with_topics_points_and_projects(alice_client, plan):
    response = alice_client.get(f"/plan/{plan.slug}/blocks/1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "掌握Python核心语法与科学计算库" in html
    assert "Python核心语法" in html and "Day 1–3" in html
    assert "装饰器、生成器、上下文管理器" in html
    assert "实现矩阵运算库" in html
    assert "数学基础" in html  # link to the next block


def test_the_last_block_shows_choices_and_deliverables(alice_client, plan):
    html = alice_client.get(f"/plan/{plan.slug}/blocks/20/").content.decode()
    assert "垂直领域大模型" in html and "效果展示与分析" in html


def test_an_unknown_block_or_plan_is_404(alice_client, plan):
    assert alice_client.get(f"/plan/{plan.slug}/blocks/21/").status_code == 404
    assert alice_client.get("/plan/nope/").status_code == 404


def test_it_lists_resources_by_kind(alice_client, plan):
    html = alice_client.get(f"/plan/{plan.slug}/resources/").content.decode()
    assert "Attention Is All You Need" in html and "Transformer原论文" in html
    assert html.index("Paper") < html.index("《深度学习》") < html.index("vLLM") < html.index("CS224N")


def test_it_lists_milestones_and_advice(alice_client, plan):
    html = alice_client.get(f"/plan/{plan.slug}/milestones/").content.decode()
    for day in (30, 60, 120, 180):
        assert f"Day {day}" in html
    assert "从零实现Transformer" in html
    assert "输出驱动：写博客、做分享" in html


def test_pages_speak_chinese_to_a_chinese_learner(client, bob, plan):
    client.force_login(bob)
    session = client.session
    session["cadence_language"] = "zh-hans"
    session.save()
    response = client.get(f"/plan/{plan.slug}/")
    assert response["Content-Language"] == "zh-hans"
