"""An issue's articles become rows an editor can add, remove and reorder."""

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models


def ids_to_rows(apps, schema_editor):
    Issue = apps.get_model("newsletter", "Issue")
    IssueArticle = apps.get_model("newsletter", "IssueArticle")
    ArticlePage = apps.get_model("newsroom", "ArticlePage")
    existing = set(ArticlePage.objects.values_list("pk", flat=True))
    rows = []
    for issue in Issue.objects.exclude(article_ids=[]).iterator():
        kept = [pk for pk in dict.fromkeys(issue.article_ids) if pk in existing]
        rows += [
            IssueArticle(issue_id=issue.pk, article_id=pk, sort_order=n)
            for n, pk in enumerate(kept)
        ]
    IssueArticle.objects.bulk_create(rows, batch_size=1000)


def rows_to_ids(apps, schema_editor):
    Issue = apps.get_model("newsletter", "Issue")
    for issue in Issue.objects.iterator():
        issue.article_ids = list(
            issue.items.order_by("sort_order").values_list("article_id", flat=True)
        )
        issue.save(update_fields=["article_ids"])


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0004_grant_send_and_import"),
        ("newsroom", "0005_optional_takeaways_longer_standfirst"),
    ]

    operations = [
        migrations.CreateModel(
            name="IssueArticle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "sort_order",
                    models.IntegerField(blank=True, editable=False, null=True),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="newsroom.articlepage",
                        verbose_name="article",
                    ),
                ),
                (
                    "issue",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="newsletter.issue",
                    ),
                ),
            ],
            options={
                "verbose_name": "article",
                "ordering": ["sort_order"],
                "abstract": False,
            },
        ),
        migrations.RunPython(ids_to_rows, rows_to_ids),
        migrations.RemoveField(model_name="issue", name="article_ids"),
    ]
