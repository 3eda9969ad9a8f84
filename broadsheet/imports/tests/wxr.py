# ruff: noqa: E501 - lines of the export format, kept as WordPress writes them
"""A WordPress export (WXR 1.2) built to the published format, for the tests.

Covers the awkward cases: a draft, a scheduled, a private and a trashed post
(whose comments must go nowhere), a password-protected post, nested comments
with every approval state and a pingback, an author without an email, tags
differing only in case, two posts sharing a slug, a non-Latin slug,
Gutenberg blocks (one unknown), classic-editor text with shortcodes, images
with captions, embeds, a custom field, a page and a menu item.
"""

from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image

SITE = "https://wire.example"
HEADER = f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>The Wire</title>
  <link>{SITE}</link>
  <description>Technology news</description>
  <pubDate>Mon, 01 Jun 2026 09:00:00 +0000</pubDate>
  <language>en-GB</language>
  <wp:wxr_version>{{version}}</wp:wxr_version>
  <wp:base_site_url>{SITE}</wp:base_site_url>
  <wp:base_blog_url>{SITE}</wp:base_blog_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[mara]]></wp:author_login><wp:author_email><![CDATA[mara@wire.example]]></wp:author_email><wp:author_display_name><![CDATA[Mara Quint]]></wp:author_display_name><wp:author_first_name><![CDATA[Mara]]></wp:author_first_name><wp:author_last_name><![CDATA[Quint]]></wp:author_last_name></wp:author>
  <wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[guest desk]]></wp:author_login><wp:author_email></wp:author_email><wp:author_display_name><![CDATA[Guest Desk]]></wp:author_display_name><wp:author_first_name></wp:author_first_name><wp:author_last_name></wp:author_last_name></wp:author>
  <wp:category><wp:term_id>2</wp:term_id><wp:category_nicename><![CDATA[industry]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Industry]]></wp:cat_name><wp:category_description><![CDATA[Companies and markets]]></wp:category_description></wp:category>
  <wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[research]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Research]]></wp:cat_name></wp:category>
  <wp:category><wp:term_id>4</wp:term_id><wp:category_nicename><![CDATA[chips]]></wp:category_nicename><wp:category_parent><![CDATA[industry]]></wp:category_parent><wp:cat_name><![CDATA[Chips]]></wp:cat_name></wp:category>
  <wp:category><wp:term_id>1</wp:term_id><wp:category_nicename><![CDATA[uncategorized]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Uncategorized]]></wp:cat_name></wp:category>
  <wp:tag><wp:term_id>10</wp:term_id><wp:tag_slug><![CDATA[ai]]></wp:tag_slug><wp:tag_name><![CDATA[AI]]></wp:tag_name></wp:tag>
  <wp:tag><wp:term_id>11</wp:term_id><wp:tag_slug><![CDATA[ai-2]]></wp:tag_slug><wp:tag_name><![CDATA[ai]]></wp:tag_name></wp:tag>
  <wp:tag><wp:term_id>12</wp:term_id><wp:tag_slug><![CDATA[robotics]]></wp:tag_slug><wp:tag_name><![CDATA[Robotics]]></wp:tag_name></wp:tag>
  <wp:term><wp:term_id>20</wp:term_id><wp:term_taxonomy><![CDATA[nav_menu]]></wp:term_taxonomy><wp:term_slug><![CDATA[main]]></wp:term_slug><wp:term_name><![CDATA[Main]]></wp:term_name></wp:term>
"""
FOOTER = "</channel>\n</rss>\n"


def item(
    post_id,
    title,
    slug,
    *,
    status="publish",
    kind="post",
    date="2026-05-04 08:30:00",
    author="mara",
    content="",
    excerpt="",
    terms=(),
    meta=(),
    comments=(),
    link=None,
    password="",
    attachment_url="",
    comment_status="open",
):
    year, month = date[:4], date[5:7]
    link = link or f"{SITE}/{year}/{month}/{slug}/"
    categories = "".join(
        f'<category domain="{domain}" nicename="{nicename}"><![CDATA[{name}]]></category>'
        for domain, nicename, name in terms
    )
    postmeta = "".join(
        f"<wp:postmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
        for key, value in meta
    )
    attachment = (
        f"<wp:attachment_url><![CDATA[{attachment_url}]]></wp:attachment_url>"
        if attachment_url
        else ""
    )
    return f"""
  <item>
    <title><![CDATA[{title}]]></title>
    <link>{escape(link)}</link>
    <pubDate>Mon, 04 May 2026 08:30:00 +0000</pubDate>
    <dc:creator><![CDATA[{author}]]></dc:creator>
    <guid isPermaLink="false">{SITE}/?p={post_id}</guid>
    <description></description>
    <content:encoded><![CDATA[{content}]]></content:encoded>
    <excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date><![CDATA[{date}]]></wp:post_date>
    <wp:post_date_gmt><![CDATA[{date if status != "draft" else "0000-00-00 00:00:00"}]]></wp:post_date_gmt>
    <wp:comment_status><![CDATA[{comment_status}]]></wp:comment_status>
    <wp:ping_status><![CDATA[open]]></wp:ping_status>
    <wp:post_name><![CDATA[{slug}]]></wp:post_name>
    <wp:status><![CDATA[{status}]]></wp:status>
    <wp:post_parent>0</wp:post_parent>
    <wp:menu_order>0</wp:menu_order>
    <wp:post_type><![CDATA[{kind}]]></wp:post_type>
    <wp:post_password><![CDATA[{password}]]></wp:post_password>
    <wp:is_sticky>0</wp:is_sticky>
    {attachment}{categories}{postmeta}{"".join(comments)}
  </item>"""


def comment(comment_id, text, *, parent=0, approved="1", kind="comment", name="Reader"):
    return f"""
    <wp:comment>
      <wp:comment_id>{comment_id}</wp:comment_id>
      <wp:comment_author><![CDATA[{name}]]></wp:comment_author>
      <wp:comment_author_email><![CDATA[reader{comment_id}@mail.example]]></wp:comment_author_email>
      <wp:comment_author_url></wp:comment_author_url>
      <wp:comment_author_IP><![CDATA[192.0.2.{comment_id}]]></wp:comment_author_IP>
      <wp:comment_date><![CDATA[2026-05-04 1{comment_id % 10}:00:00]]></wp:comment_date>
      <wp:comment_date_gmt><![CDATA[2026-05-04 1{comment_id % 10}:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[{text}]]></wp:comment_content>
      <wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>
      <wp:comment_type><![CDATA[{kind}]]></wp:comment_type>
      <wp:comment_parent>{parent}</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>"""


GUTENBERG_BODY = f"""<!-- wp:paragraph -->
<p>Chip plants in three regions reported record output in April, the trade group said on <strong>Monday</strong>.</p>
<!-- /wp:paragraph -->
<!-- wp:heading -->
<h2 class="wp-block-heading">Where the growth came from</h2>
<!-- /wp:heading -->
<!-- wp:quote -->
<blockquote class="wp-block-quote"><p>We have not seen demand like this since the first accelerators shipped.</p><cite>Ines Marr, plant manager</cite></blockquote>
<!-- /wp:quote -->
<!-- wp:list -->
<ul><li>Memory lines ran at full capacity.</li><li>Packaging was the bottleneck.</li></ul>
<!-- /wp:list -->
<!-- wp:image {{"id":51}} -->
<figure class="wp-block-image size-large"><img src="{SITE}/wp-content/uploads/2026/05/wafer-1024x683.png" alt="A wafer under inspection light" class="wp-image-51"/><figcaption class="wp-element-caption">A wafer at the Leiden plant (Photo: Wire staff)</figcaption></figure>
<!-- /wp:image -->
<!-- wp:code -->
<pre class="wp-block-code"><code class="language-python">yield_rate = good_dies / total_dies</code></pre>
<!-- /wp:code -->
<!-- wp:separator -->
<hr class="wp-block-separator has-alpha-channel-opacity"/>
<!-- /wp:separator -->
<!-- wp:embed {{"url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ","type":"video","providerNameSlug":"youtube"}} -->
<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=dQw4w9WgXcQ
</div><figcaption>The plant tour, filmed in March</figcaption></figure>
<!-- /wp:embed -->
<!-- wp:acme/poll {{"question":"Will it last?"}} -->
<div class="wp-block-acme-poll">Will the boom last? Vote below.</div>
<!-- /wp:acme/poll -->
<!-- wp:shortcode -->
[gallery ids="51,52"]
<!-- /wp:shortcode -->"""

CLASSIC_BODY = f"""Robot makers met in Turin this week to agree on a common safety label.

The draft label covers arms, carts and walking machines.
It was written by a working group of twelve companies.

[caption id="attachment_52" align="alignnone" width="800"]<img src="{SITE}/wp-content/uploads/2026/04/arm.png" alt="A robot arm sorting parcels" width="800" height="533" /> An arm sorting parcels in a test hall[/caption]

https://vimeo.com/76979871

<blockquote class="twitter-tweet"><p lang="en">The label vote is on Friday.</p>&mdash; Standards Body (@standards) <a href="https://twitter.com/standards/status/1790000000000000000">May 2, 2026</a></blockquote>

<img src="{SITE}/wp-content/uploads/2026/04/missing.png" alt="A chart that was never uploaded" />"""


def thread():
    return [
        comment(1, "Good report. The packaging point is often missed.", name="Pia"),
        comment(2, "Agreed, and substrate supply is tight too.", parent=1, name="Olu"),
        comment(
            3, "Do you have a source for the substrate figures?", parent=2, name="Pia"
        ),
        comment(4, "The trade group's April bulletin, table 4.", parent=3, name="Olu"),
        comment(5, "Waiting for a moderator.", approved="0", name="New reader"),
        comment(6, "Buy cheap watches here", approved="spam", name="Spammer"),
        comment(7, "Linked from elsewhere", kind="pingback", name="Another blog"),
    ]


def wxr(*, version="1.2", extra_items=(), body_change="") -> str:
    news = ("category", "industry", "Industry")
    items = [
        item(
            51,
            "wafer",
            "wafer",
            kind="attachment",
            status="inherit",
            attachment_url=f"{SITE}/wp-content/uploads/2026/05/wafer.png",
            excerpt="A wafer at the Leiden plant",
            meta=[("_wp_attachment_image_alt", "A wafer under inspection light")],
        ),
        item(
            52,
            "arm",
            "arm",
            kind="attachment",
            status="inherit",
            attachment_url=f"{SITE}/wp-content/uploads/2026/04/arm.png",
        ),
        item(
            101,
            "Chip output rises to a record",
            "chip-output-rises",
            content=GUTENBERG_BODY + body_change,
            excerpt="Plants in three regions ran at full capacity in April.",
            terms=[
                news,
                ("category", "chips", "Chips"),
                ("post_tag", "ai", "AI"),
                ("post_tag", "ai-2", "ai"),
            ],
            meta=[
                ("_thumbnail_id", "51"),
                ("subtitle_extra", "Second headline"),
                ("_edit_lock", "1714800000:1"),
            ],
            comments=thread(),
        ),
        item(
            102,
            "Draft: lab results pending",
            "lab-results",
            status="draft",
            content="<p>Numbers to come.</p>",
            terms=[("category", "research", "Research")],
        ),
        item(
            103,
            "Scheduled: the label vote",
            "label-vote",
            status="future",
            date="2026-12-01 09:00:00",
            content="<p>The vote happens today.</p>",
            terms=[("category", "research", "Research")],
        ),
        item(
            104,
            "Private: newsroom memo",
            "memo",
            status="private",
            content="<p>For staff.</p>",
            terms=[news],
        ),
        item(
            105,
            "Trashed story",
            "trashed",
            status="trash",
            content="<p>Gone.</p>",
            terms=[news],
            comments=[comment(8, "A comment on a deleted post.")],
        ),
        item(
            106,
            "Chip output rises, an earlier year",
            "chip-output-rises",
            date="2025-01-10 07:00:00",
            content="<p>An older story with the same address name.</p>",
            terms=[news],
            author="guest desk",
        ),
        item(
            107,
            "Новости ИИ за неделю",
            "%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8-%d0%b8%d0%b8",
            content="<p>Краткий обзор новостей.</p>",
            terms=[("category", "research", "Research")],
            author="guest desk",
        ),
        item(
            108,
            "Robot makers agree on a safety label",
            "safety-label",
            content=CLASSIC_BODY,
            terms=[
                ("category", "research", "Research"),
                ("post_tag", "robotics", "Robotics"),
            ],
        ),
        item(
            109,
            "A protected briefing",
            "briefing",
            password="letmein",
            content="<p>Subscribers only.</p>",
            terms=[news],
        ),
        item(
            110,
            "No category, no author",
            "orphan",
            author="",
            content="<p>Filed in a hurry.</p>",
            comment_status="closed",
        ),
        item(
            201,
            "About the Wire",
            "about",
            kind="page",
            link=f"{SITE}/about/",
            content="<p>We cover technology.</p>",
        ),
        item(300, "Home", "home-menu", kind="nav_menu_item", status="publish"),
        *extra_items,
    ]
    return HEADER.replace("{version}", version) + "".join(items) + FOOTER


def write_export(tmp_path: Path, **options) -> Path:
    path = tmp_path / "wire.WordPress.2026-06-01.xml"
    path.write_text(wxr(**options), encoding="utf-8")
    return path


def write_uploads(tmp_path: Path) -> Path:
    """wp-content/uploads with the two attached images (real PNGs)."""
    root = tmp_path / "wp-content" / "uploads"
    for relative, colour in (
        ("2026/05/wafer.png", "#224466"),
        ("2026/04/arm.png", "#664422"),
    ):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (640, 427), colour).save(target, format="PNG")
    return root
