"""Demo data: JOGMEC's release of 22 December 2025 on the "Central Asia + Japan" Dialogue.

The Japanese text is the release's own, character for character (its spacing around Latin words
and digits included); the English is our translation. `load_demo()` writes it all and can run
again at any time: rows are found by their slugs, or by (release, order) for a release's parts,
and only rows that differ are saved.
"""

import datetime
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from directory.models import Country, Official, Organization, Post
from releases.models import (
    Agreement,
    Contact,
    Meeting,
    MeetingParticipant,
    Photo,
    Release,
    ReleaseAgreement,
    Section,
)
from releases.search import refresh_search_text

D = datetime.date
OrgKind = Organization.Kind

ORGANIZATIONS = [
    {
        "slug": "jogmec",
        "name_ja": "独立行政法人 エネルギー・金属鉱物資源機構",
        "name_en": "Japan Organization for Metals and Energy Security",
        "short_name_ja": "JOGMEC",
        "short_name_en": "JOGMEC",
        "other_names": "エネルギー・金属鉱物資源機構\n"
        "独立行政法人石油天然ガス・金属鉱物資源機構\n"
        "Japan Oil, Gas and Metals National Corporation",
        "kind": OrgKind.AGENCY,
        "country": "JP",
    },
    {
        "slug": "meti",
        "name_ja": "経済産業省",
        "name_en": "Ministry of Economy, Trade and Industry",
        "short_name_ja": "経産省",
        "short_name_en": "METI",
        "other_names": "METI",
        "kind": OrgKind.MINISTRY,
        "country": "JP",
    },
    {
        "slug": "rotobo",
        "name_ja": "一般社団法人ロシアNIS貿易会",
        "name_en": "Japan Association for Trade with Russia & NIS",
        "short_name_ja": "ROTOBO",
        "short_name_en": "ROTOBO",
        "other_names": "ロシアNIS貿易会\nJapan Association for Trade with Russia and NIS Countries",
        "kind": OrgKind.ASSOCIATION,
        "country": "JP",
    },
    {
        "slug": "samruk-kazyna",
        "name_ja": "サムルク・カズナ",
        "name_en": "Samruk-Kazyna",
        "short_name_ja": "",
        "short_name_en": "",
        "other_names": "Самрук-Казына\nСамұрық-Қазына\nSamruk-Kazyna JSC\n"
        "Sovereign Wealth Fund Samruk-Kazyna\nNational Welfare Fund Samruk-Kazyna",
        "kind": OrgKind.STATE_COMPANY,
        "country": "KZ",
    },
    {
        "slug": "tau-ken-samruk",
        "name_ja": "タウケン・サムルク",
        "name_en": "Tau-Ken Samruk",
        "short_name_ja": "",
        "short_name_en": "",
        "other_names": "Тау-Кен Самрук\nТау-Кен Самұрық\nNational Mining Company Tau-Ken Samruk\n"
        "NMC Tau-Ken Samruk JSC",
        "kind": OrgKind.STATE_COMPANY,
        "country": "KZ",
        "parent": "samruk-kazyna",
    },
    {
        "slug": "uzbekistan-government",
        "name_ja": "ウズベキスタン共和国政府",
        "name_en": "Government of the Republic of Uzbekistan",
        "short_name_ja": "",
        "short_name_en": "",
        "other_names": "Oʻzbekiston Respublikasi Hukumati\nПравительство Республики Узбекистан",
        "kind": OrgKind.GOVERNMENT,
        "country": "UZ",
    },
    {
        "slug": "uzbekistan-ministry-of-mining-and-geology",
        "name_ja": "ウズベキスタン共和国鉱山地質省",
        "name_en": "Ministry of Mining Industry and Geology of the Republic of Uzbekistan",
        "short_name_ja": "鉱山地質省",
        "short_name_en": "Ministry of Mining Industry and Geology",
        "other_names": "Oʻzbekiston Respublikasi Kon sanoati va geologiya vazirligi\n"
        "Министерство горнодобывающей промышленности и геологии Республики Узбекистан",
        "kind": OrgKind.MINISTRY,
        "country": "UZ",
        "parent": "uzbekistan-government",
    },
    # The presidential offices are in the release only as photo credits.
    {
        "slug": "kazakhstan-presidential-office",
        "name_ja": "カザフスタン大統領府",
        "name_en": "Office of the President of Kazakhstan",
        "short_name_ja": "",
        "short_name_en": "Akorda",
        "other_names": "Akorda\nАқорда\nАкорда\n"
        "Administration of the President of the Republic of Kazakhstan\n"
        "Администрация Президента Республики Казахстан",
        "kind": OrgKind.PRESIDENTIAL_OFFICE,
        "country": "KZ",
    },
    {
        "slug": "tajikistan-presidential-office",
        "name_ja": "タジキスタン大統領府",
        "name_en": "Office of the President of Tajikistan",
        "short_name_ja": "",
        "short_name_en": "",
        "other_names": "Executive Office of the President of the Republic of Tajikistan\n"
        "Исполнительный аппарат Президента Республики Таджикистан",
        "kind": OrgKind.PRESIDENTIAL_OFFICE,
        "country": "TJ",
    },
    {
        "slug": "uzbekistan-presidential-office",
        "name_ja": "ウズベキスタン大統領府",
        "name_en": "Office of the President of Uzbekistan",
        "short_name_ja": "",
        "short_name_en": "",
        "other_names": "Administration of the President of the Republic of Uzbekistan\n"
        "Oʻzbekiston Respublikasi Prezidenti Administratsiyasi\n"
        "Администрация Президента Республики Узбекистан",
        "kind": OrgKind.PRESIDENTIAL_OFFICE,
        "country": "UZ",
    },
]

PRESIDENT = ("大統領", "President")
TAKAHARA_TITLE = ("理事長", "President")
ISLAMOV_TITLE = ("鉱山地質大臣", "Minister of Mining Industry and Geology")
AKAZAWA_TITLE = ("経済産業大臣", "Minister of Economy, Trade and Industry")
TAKAICHI_TITLE = ("内閣総理大臣", "Prime Minister")
CEO = ("CEO", "CEO")

# Start dates only where they are a matter of public record; the others are left empty.
OFFICIALS = [
    {
        "slug": "kassym-jomart-tokayev",
        "name_ja": "カスムジョマルト・トカエフ",
        "name_en": "Kassym-Jomart Tokayev",
        "other_names": "Kassym-Jomart Tokayev\nҚасым-Жомарт Тоқаев\nКасым-Жомарт Токаев\n"
        "Qasym-Jomart Toqaev\nTokaev",
        "country": "KZ",
        # Inauguration after the 2019 election; he had held the powers ad interim since 20 March.
        "posts": [(PRESIDENT, "kazakhstan-presidential-office", D(2019, 6, 12))],
    },
    {
        "slug": "emomali-rahmon",
        "name_ja": "エモマリ・ラフモン",
        "name_en": "Emomali Rahmon",
        "other_names": "Emomali Rahmon\nЭмомалӣ Раҳмон\nЭмомали Рахмон\nEmomali Rahmonov\n"
        "Эмомали Рахмонов",
        "country": "TJ",
        "posts": [(PRESIDENT, "tajikistan-presidential-office", D(1994, 11, 16))],
    },
    {
        "slug": "shavkat-mirziyoyev",
        "name_ja": "シャフカット・ミルジヨエフ",
        "name_en": "Shavkat Mirziyoyev",
        "other_names": "Shavkat Mirziyoyev\nShavkat Mirziyoev\nШавкат Мирзиёев\nミルジヨーエフ",
        "country": "UZ",
        "posts": [(PRESIDENT, "uzbekistan-presidential-office", D(2016, 12, 14))],
    },
    {
        "slug": "bobir-islamov",
        "name_ja": "ボビル・イスラモフ",
        "name_en": "Bobir Islamov",
        "other_names": "Bobir Islamov\nBobir Islomov\nБобир Исламов\nБобир Исломов",
        "country": "UZ",
        "posts": [(ISLAMOV_TITLE, "uzbekistan-ministry-of-mining-and-geology", None)],
    },
    {
        "slug": "nurlan-zhakupov",
        "name_ja": "ヌルラン・ジャクポフ",
        "name_en": "Nurlan Zhakupov",
        "other_names": "Nurlan Zhakupov\nNurlan Jakupov\nНурлан Жакупов",
        "country": "KZ",
        "posts": [(CEO, "samruk-kazyna", None)],
    },
    {
        # The release gives only the family name.
        "slug": "absametov",
        "name_ja": "アブサメトフ",
        "name_en": "Absametov",
        "other_names": "Absametov\nАбсаметов",
        "country": "KZ",
        "posts": [(CEO, "tau-ken-samruk", None)],
    },
    {
        "slug": "ichiro-takahara",
        "name_ja": "高原一郎",
        "name_en": "Ichiro Takahara",
        "other_names": "TAKAHARA Ichiro\n高原 一郎",
        "country": "JP",
        "posts": [(TAKAHARA_TITLE, "jogmec", None)],
    },
    {
        "slug": "ryosei-akazawa",
        "name_ja": "赤澤亮正",
        "name_en": "Ryosei Akazawa",
        "other_names": "AKAZAWA Ryosei\n赤沢亮正",
        "country": "JP",
        "posts": [(AKAZAWA_TITLE, "meti", D(2025, 10, 21))],
    },
    {
        "slug": "sanae-takaichi",
        "name_ja": "高市早苗",
        "name_en": "Sanae Takaichi",
        "other_names": "TAKAICHI Sanae",
        "country": "JP",
        "posts": [(TAKAICHI_TITLE, None, D(2025, 10, 21))],
    },
    {
        "slug": "sadyr-japarov",
        "name_ja": "サディル・ジャパロフ",
        "name_en": "Sadyr Japarov",
        "other_names": "Sadyr Japarov\nSadyr Zhaparov\nСадыр Жапаров",
        "country": "KG",
        "posts": [(PRESIDENT, None, D(2021, 1, 28))],
    },
    {
        "slug": "serdar-berdimuhamedov",
        "name_ja": "セルダル・ベルディムハメドフ",
        "name_en": "Serdar Berdimuhamedov",
        "other_names": "Serdar Berdimuhamedov\nSerdar Berdimuhamedow\nСердар Бердымухамедов",
        "country": "TM",
        "posts": [(PRESIDENT, None, D(2022, 3, 19))],
    },
]

RELEASE = {
    "slug": "2025-12-central-asia-japan-dialogue",
    "title_ja": "「中央アジア＋日本」対話を通じた資源国との関係強化",
    "title_en": "Strengthening relations with resource-rich countries through the "
    "“Central Asia + Japan” Dialogue",
    "subtitle_ja": "—中央アジア諸国の政府要人との会談および同地域における JOGMEC の取組の紹介—",
    "subtitle_en": "—Meetings with senior government officials of Central Asian countries "
    "and an introduction to JOGMEC’s activities in the region—",
    "lead_ja": "JOGMEC(本部: 東京都港区、理事長: 高原一郎)は、2025年12月19日～20日の"
    "「中央アジア＋日本」対話・首脳会合に合わせて行われた中央アジア＋日本ビジネスフォーラムにおいて、"
    "署名文書を披露するとともに、カザフスタン共和国、タジキスタン共和国、ウズベキスタン共和国をはじめと"
    "する首脳等政府要人と会談し、各国の鉱物資源分野等における政策・プロジェクトの状況や見通し、"
    "技術協力に関する取組等に関して意見交換を行い、各国との関係強化を図りました。",
    "lead_en": "JOGMEC (Headquarters: Minato-ku, Tokyo; President: Ichiro Takahara) presented "
    "signed documents at the Central Asia + Japan Business Forum, held on the occasion of the "
    "“Central Asia + Japan” Dialogue Summit on December 19–20, 2025. JOGMEC also met heads of "
    "state and other senior government officials of Central Asian countries, including the "
    "Republic of Kazakhstan, the Republic of Tajikistan and the Republic of Uzbekistan, and "
    "exchanged views on the status and outlook of each country’s policies and projects in the "
    "mineral resources sector and other fields, as well as on technical cooperation, thereby "
    "strengthening relations with each country.",
    "department_ja": "金属企画部 国際業務課",
    "department_en": "International Affairs Division, Metals Planning Department",
    "status": Release.Status.PUBLISHED,
    "published_at": datetime.datetime(2025, 12, 22, 14, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
    "issuer": "jogmec",
    # Only the countries JOGMEC met or signed with; Kyrgyzstan and Turkmenistan appear only as
    # heads of state at the plenary session.
    "countries": ["KZ", "TJ", "UZ"],
}

CONTACTS = [
    {
        "role": Contact.Role.INQUIRIES,
        "department_ja": "金属企画部 国際業務課",
        "department_en": "International Affairs Division, Metals Planning Department",
        "persons_ja": "里見、高塚",
        "persons_en": "Satomi, Takatsuka",
        "phone": "03-6758-8027",
        "order": 1,
    },
    {
        "role": Contact.Role.PRESS,
        "department_ja": "総務部 広報課",
        "department_en": "Public Relations Division, General Affairs Department",
        "persons_ja": "長田",
        "persons_en": "Osada",
        "phone": "03-6758-8106",
        "order": 2,
    },
]

FORUM_SIGNING_JA = (
    "JOGMEC は、カザフスタン国営企業 Tau-Ken Samruk 社と鉱物資源分野における協力合意に署名したこと"
    "から、赤澤経済産業大臣他参加国経済担当大臣が臨席する文書披露フォトセッションに参加しました。"
)
FORUM_SIGNING_EN = (
    "Having signed an agreement on cooperation in the mineral resources field with Tau-Ken "
    "Samruk, a Kazakh state-owned company, JOGMEC took part in the photo session presenting the "
    "signed documents, attended by Mr. Akazawa, Minister of Economy, Trade and Industry, and the "
    "ministers in charge of economic affairs of the other participating countries."
)
SESSION_3_JA = (
    "第3セッション「日本・中央アジア間のビジネス促進のためのファイナンス、人材育成および"
    "社会システム発展分野における協力の可能性」"
)
SESSION_3_EN = (
    "Session 3: “Possibilities for Cooperation in Finance, Human Resource Development and "
    "Social System Development to Promote Business between Japan and Central Asia”"
)
FORUM_SESSION_JA = (
    "また、第 3 セッション「日本・中央アジア間のビジネス促進のためのファイナンス、人材育成および"
    "社会システム発展分野における協力の可能性」において、高原理事長は中央アジアにおける JOGMEC の"
    "取組状況と今後の協力関係の深化に向けた見通しについて報告しました。"
)
FORUM_SESSION_EN = (
    "In addition, at Session 3, “Possibilities for Cooperation in Finance, Human Resource "
    "Development and Social System Development to Promote Business between Japan and Central "
    "Asia,” President Takahara reported on the status of JOGMEC’s activities in Central Asia and "
    "on the outlook for deepening cooperation."
)
FORUM_PLENARY_JA = (
    "最後に、高市内閣総理大臣、トカエフ・カザフスタン大統領、ジャパロフ・キルギス大統領、ラフモン・"
    "タジキスタン大統領、ベルディムハメドフ・トルクメニスタン大統領、ミルジヨーエフ・ウズベキスタン大統領"
    "が参列したプレナリーセッションでは、ウズベキスタン共和国政府との間で鉱物資源分野における協力に"
    "関する覚書を交わしたことから、高原理事長がボビル・イスラモフ鉱山地質大臣とともに、署名文書披露式典"
    "に出席しました。"
)
FORUM_PLENARY_EN = (
    "Finally, at the plenary session attended by Prime Minister Takaichi, President Tokayev of "
    "Kazakhstan, President Japarov of Kyrgyzstan, President Rahmon of Tajikistan, President "
    "Berdimuhamedov of Turkmenistan and President Mirziyoyev of Uzbekistan, President Takahara "
    "attended the ceremony presenting the signed documents together with Mr. Bobir Islamov, "
    "Minister of Mining Industry and Geology, as JOGMEC had concluded a Memorandum of "
    "Understanding on cooperation in the field of mineral resources with the Government of the "
    "Republic of Uzbekistan."
)


def _paragraphs(*texts):
    return "\n".join(f"<p>{text}</p>" for text in texts)


# Part 1 of the release (its numbered meetings) is in MEETINGS; `order` is the part's number.
SECTIONS = [
    {
        "order": 2,
        "heading_ja": "中央アジア+日本ビジネスフォーラム(2025年12月20日)",
        "heading_en": "Central Asia + Japan Business Forum (December 20, 2025)",
        "body_ja": _paragraphs(FORUM_SIGNING_JA, FORUM_SESSION_JA, FORUM_PLENARY_JA),
        "body_en": _paragraphs(FORUM_SIGNING_EN, FORUM_SESSION_EN, FORUM_PLENARY_EN),
    },
    {
        "order": 3,
        "heading_ja": "最後に",
        "heading_en": "Looking ahead",
        "body_ja": _paragraphs(
            "JOGMEC は、今後も資源外交に取り組み、我が国への資源・エネルギーの安定供給に向けて、"
            "中央アジア諸国との一層の関係強化を図ってまいります。"
        ),
        "body_en": _paragraphs(
            "JOGMEC will continue to pursue resource diplomacy and will further strengthen its "
            "relations with the countries of Central Asia to secure a stable supply of resources "
            "and energy for Japan."
        ),
    },
]

TOKYO = ("東京", "Tokyo")

# A meeting's country is the partner country: the forum's signing events go under the country
# whose agreement was presented (KZ, UZ). Session 3 had no single partner, so it goes under the
# host, Japan. The place of the meeting with the two CEOs is not given in the release.
MEETINGS = [
    {
        "order": 1,
        "date": D(2025, 12, 19),
        "kind": Meeting.Kind.BILATERAL,
        "country": "KZ",
        "title_ja": "カスムジョマルト・トカエフ大統領との会談",
        "title_en": "Meeting with President Kassym-Jomart Tokayev",
        "place": TOKYO,
        "summary_ja": "カザフスタン共和国のカスムジョマルト・トカエフ大統領と会談を行いました。"
        "大統領からは JOGMEC との協力関係の強化に向けた期待の表明があり、JOGMEC からは近年の"
        "カザフスタンにおける JOGMEC の取組について説明しました。両者は、JOGMEC と"
        "カザフスタン国営会社 Tau-Ken Samruk(タウケン・サムルク)との間で"
        "金属鉱物資源の協力に関する覚書に署名したことを歓迎し、"
        "今後両国間の協力関係を発展させていくことを確認しました。",
        "summary_en": "JOGMEC held a meeting with President Kassym-Jomart Tokayev of the Republic "
        "of Kazakhstan. The President expressed his expectations for stronger cooperation with "
        "JOGMEC, and JOGMEC explained its activities in Kazakhstan in recent years. Both sides "
        "welcomed the signing of the Memorandum of Understanding on cooperation in metals and "
        "minerals between JOGMEC and Tau-Ken Samruk, a Kazakh state-owned company, and "
        "confirmed that they would further develop cooperation between the two countries.",
        "participants": [("kassym-jomart-tokayev", PRESIDENT)],
    },
    {
        "order": 2,
        "date": D(2025, 12, 19),
        "kind": Meeting.Kind.BILATERAL,
        "country": "TJ",
        "title_ja": "エモマリ・ラフモン大統領との会談",
        "title_en": "Meeting with President Emomali Rahmon",
        "place": TOKYO,
        "summary_ja": "タジキスタン共和国のエモマリ・ラフモン大統領と会談を行いました。"
        "大統領からは JOGMEC との協力関係の強化に向けた期待の表明があり、"
        "JOGMEC からは最近の金属分野における取組等についての説明を行い、"
        "今後両国間の協力関係を発展させていくことを確認しました。",
        "summary_en": "JOGMEC held a meeting with President Emomali Rahmon of the Republic of "
        "Tajikistan. The President expressed his expectations for stronger cooperation with "
        "JOGMEC, and JOGMEC explained its recent activities in the metals sector, among other "
        "matters. Both sides confirmed that they would further develop cooperation between the "
        "two countries.",
        "participants": [("emomali-rahmon", PRESIDENT)],
    },
    {
        "order": 3,
        "date": D(2025, 12, 19),
        "kind": Meeting.Kind.BILATERAL,
        "country": "UZ",
        "title_ja": "シャフカット・ミルジヨエフ大統領および"
        "ボビル・イスラモフ鉱山地質大臣等との会談",
        "title_en": "Meeting with President Shavkat Mirziyoyev, Minister of Mining Industry and "
        "Geology Bobir Islamov and other officials",
        "place": TOKYO,
        "summary_ja": "ウズベキスタン共和国のシャフカット・ミルジヨエフ大統領および"
        "ボビル・イスラモフ鉱山地質大臣等と会談を行った他、"
        "大統領臨席の下開催されたビジネス・ラウンドテーブルに参加しました。"
        "JOGMEC からは、鉱山地質省との MOC に基づく協力事業の状況等について説明を行い、両者は、"
        "ウズベキスタンの南テンシャンベルト地域におけるレアメタルの共同広域調査に係る覚書への署名を歓迎し、"
        "今後も両国間の協力関係を発展させていくことを確認しました。",
        "summary_en": "JOGMEC held meetings with President Shavkat Mirziyoyev of the Republic of "
        "Uzbekistan, Minister of Mining Industry and Geology Bobir Islamov and other officials, "
        "and took part in a business roundtable held in the presence of the President. JOGMEC "
        "explained, among other things, the progress of the cooperation projects under its "
        "Memorandum of Cooperation (MOC) with the Ministry of Mining Industry and Geology. Both "
        "sides welcomed the signing of the Memorandum of Understanding on a joint regional survey "
        "of rare metals in the South Tien Shan belt of Uzbekistan, and confirmed that they would "
        "continue to develop cooperation between the two countries.",
        "participants": [
            ("shavkat-mirziyoyev", PRESIDENT),
            ("bobir-islamov", ISLAMOV_TITLE),
        ],
    },
    {
        "order": 4,
        "date": D(2025, 12, 19),
        "kind": Meeting.Kind.ROUNDTABLE,
        "country": "UZ",
        "title_ja": "大統領臨席の下開催されたビジネス・ラウンドテーブル",
        "title_en": "Business roundtable held in the presence of President Mirziyoyev",
        "place": TOKYO,
        # The release tells of the roundtable within the paragraph of meeting 3.
        "summary_ja": "",
        "summary_en": "",
        "participants": [("shavkat-mirziyoyev", PRESIDENT)],
    },
    {
        "order": 5,
        "date": D(2025, 12, 18),
        "kind": Meeting.Kind.BILATERAL,
        "country": "KZ",
        "title_ja": "Samruk-Kazyna ジャクポフ CEO および Tau-Ken Samruk アブサメトフ CEO との会談",
        "title_en": "Meeting with CEO Zhakupov of Samruk-Kazyna and CEO Absametov of "
        "Tau-Ken Samruk",
        "place": ("", ""),
        "summary_ja": "カザフスタン国営会社である Samruk-Kazyna(サムルク・カズナ)のジャクポフ CEO "
        "およびその子会社である Tau-Ken Samruk のアブサメトフ CEO と会談を行いました。JOGMEC は、"
        "Tau-Ken Samruk との間において 12 月 4 日付で金属鉱物資源の協力に関する覚書に署名しており、"
        "本合意に基づき、今後のプロジェクト組成に向けた協力関係を深化させていくことを確認しました。",
        "summary_en": "JOGMEC held a meeting with Mr. Zhakupov, CEO of Samruk-Kazyna, a Kazakh "
        "state-owned company, and Mr. Absametov, CEO of its subsidiary Tau-Ken Samruk. JOGMEC "
        "signed a Memorandum of Understanding on cooperation in metals and minerals with "
        "Tau-Ken Samruk on December 4, and the parties confirmed that, under this agreement, "
        "they would deepen their cooperation towards forming future projects.",
        "participants": [("nurlan-zhakupov", CEO), ("absametov", CEO)],
    },
    {
        "order": 6,
        "date": D(2025, 12, 20),
        "kind": Meeting.Kind.SIGNING_CEREMONY,
        "country": "KZ",
        "title_ja": "中央アジア＋日本ビジネスフォーラム 署名文書披露フォトセッション",
        "title_en": "Central Asia + Japan Business Forum: photo session presenting the signed "
        "documents",
        "place": TOKYO,
        "summary_ja": FORUM_SIGNING_JA,
        "summary_en": FORUM_SIGNING_EN,
        "participants": [("ryosei-akazawa", AKAZAWA_TITLE), ("ichiro-takahara", TAKAHARA_TITLE)],
    },
    {
        "order": 7,
        "date": D(2025, 12, 20),
        "kind": Meeting.Kind.FORUM_SESSION,
        "country": "JP",
        "title_ja": SESSION_3_JA,
        "title_en": SESSION_3_EN,
        "place": TOKYO,
        "summary_ja": FORUM_SESSION_JA,
        "summary_en": FORUM_SESSION_EN,
        "participants": [("ichiro-takahara", TAKAHARA_TITLE)],
    },
    {
        "order": 8,
        "date": D(2025, 12, 20),
        "kind": Meeting.Kind.SIGNING_CEREMONY,
        "country": "UZ",
        "title_ja": "中央アジア+日本ビジネスフォーラム 署名文書披露式典",
        "title_en": "Central Asia + Japan Business Forum: ceremony presenting the signed "
        "documents at the plenary session",
        "place": TOKYO,
        "summary_ja": FORUM_PLENARY_JA,
        "summary_en": FORUM_PLENARY_EN,
        "participants": [
            ("ichiro-takahara", TAKAHARA_TITLE),
            ("bobir-islamov", ISLAMOV_TITLE),
            ("sanae-takaichi", TAKAICHI_TITLE),
            ("kassym-jomart-tokayev", PRESIDENT),
            ("sadyr-japarov", PRESIDENT),
            ("emomali-rahmon", PRESIDENT),
            ("serdar-berdimuhamedov", PRESIDENT),
            ("shavkat-mirziyoyev", PRESIDENT),
        ],
    },
]

AGREEMENTS = [
    {
        "slug": "jogmec-tau-ken-samruk-metals-minerals-mou-2025",
        "kind": Agreement.Kind.MOU,
        "title_ja": "JOGMEC と Tau-Ken Samruk との金属鉱物資源の協力に関する覚書",
        "title_en": "Memorandum of Understanding between JOGMEC and Tau-Ken Samruk on "
        "Cooperation in Metals and Minerals",
        "subject_ja": "金属鉱物資源分野における協力。本合意に基づき、今後のプロジェクト組成に向けた"
        "協力関係を深化させる。",
        "subject_en": "Cooperation in metals and minerals; under this agreement the parties are to "
        "deepen their cooperation towards forming future projects.",
        "parties": ["jogmec", "tau-ken-samruk"],
        "country": "KZ",
        "signed_on": D(2025, 12, 4),
        "signatories": [],
        "role": ReleaseAgreement.Role.ANNOUNCES,
    },
    {
        # Older than the release, which only refers to the projects carried out under it.
        "slug": "jogmec-uzbekistan-mining-geology-moc",
        "kind": Agreement.Kind.MOC,
        "title_ja": "JOGMEC とウズベキスタン共和国鉱山地質省との協力覚書(MOC)",
        "title_en": "Memorandum of Cooperation between JOGMEC and the Ministry of Mining "
        "Industry and Geology of the Republic of Uzbekistan",
        "subject_ja": "JOGMEC と鉱山地質省との協力事業。",
        "subject_en": "Cooperation projects between JOGMEC and the Ministry.",
        "parties": ["jogmec", "uzbekistan-ministry-of-mining-and-geology"],
        "country": "UZ",
        "signed_on": None,
        "signatories": [],
        "role": ReleaseAgreement.Role.MENTIONS,
    },
    {
        # The release says only that the signing was welcomed at the meeting of 19 December,
        # not when it was signed (it may have been earlier), so the date is left empty.
        "slug": "south-tien-shan-rare-metals-joint-survey-mou",
        "kind": Agreement.Kind.MOU,
        "title_ja": "ウズベキスタンの南テンシャンベルト地域における"
        "レアメタルの共同広域調査に係る覚書",
        "title_en": "Memorandum of Understanding on the Joint Regional Survey of Rare Metals in "
        "the South Tien Shan Belt of Uzbekistan",
        "subject_ja": "ウズベキスタンの南テンシャンベルト地域におけるレアメタルの共同広域調査。",
        "subject_en": "A joint regional survey of rare metals in the South Tien Shan belt of "
        "Uzbekistan.",
        "parties": ["jogmec", "uzbekistan-ministry-of-mining-and-geology"],
        "country": "UZ",
        "signed_on": None,
        "signatories": [],
        "role": ReleaseAgreement.Role.ANNOUNCES,
    },
    {
        # Exchanged and presented at the forum's plenary session on 20 December.
        "slug": "jogmec-uzbekistan-mineral-resources-mou-2025",
        "kind": Agreement.Kind.MOU,
        "title_ja": "ウズベキスタン共和国政府との鉱物資源分野における協力に関する覚書",
        "title_en": "Memorandum of Understanding with the Government of the Republic of "
        "Uzbekistan on Cooperation in the Field of Mineral Resources",
        "subject_ja": "鉱物資源分野における協力。",
        "subject_en": "Cooperation in the field of mineral resources.",
        "parties": ["jogmec", "uzbekistan-government"],
        "country": "UZ",
        "signed_on": D(2025, 12, 20),
        "signatories": ["ichiro-takahara", "bobir-islamov"],
        "role": ReleaseAgreement.Role.ANNOUNCES,
    },
]

# The original photos are not available: each gets a stand-in image made from `label`.
PHOTOS = [
    {
        "order": 1,
        "meeting": 1,
        "caption_ja": "",
        "caption_en": "",
        "credit_ja": "カザフスタン大統領府",
        "credit_en": "Office of the President of Kazakhstan",
        "alt_text_ja": "カザフスタン共和国のトカエフ大統領と JOGMEC の会談の様子",
        "alt_text_en": "JOGMEC meeting President Kassym-Jomart Tokayev of Kazakhstan",
        "label": "Kazakhstan",
        "colour": (46, 118, 160),
    },
    {
        "order": 2,
        "meeting": 2,
        "caption_ja": "",
        "caption_en": "",
        "credit_ja": "タジキスタン大統領府",
        "credit_en": "Office of the President of Tajikistan",
        "alt_text_ja": "タジキスタン共和国のラフモン大統領と JOGMEC の会談の様子",
        "alt_text_en": "JOGMEC meeting President Emomali Rahmon of Tajikistan",
        "label": "Tajikistan",
        "colour": (58, 128, 96),
    },
    {
        "order": 3,
        "meeting": 3,
        "caption_ja": "",
        "caption_en": "",
        "credit_ja": "ウズベキスタン大統領府",
        "credit_en": "Office of the President of Uzbekistan",
        "alt_text_ja": "ウズベキスタン共和国のミルジヨエフ大統領と JOGMEC の会談の様子",
        "alt_text_en": "JOGMEC meeting President Shavkat Mirziyoyev of Uzbekistan",
        "label": "Uzbekistan",
        "colour": (36, 128, 132),
    },
    {
        "order": 4,
        "meeting": 8,
        "caption_ja": "中央アジア+日本ビジネスフォーラム 署名文書披露式典\n"
        "最前列中央に高市内閣総理大臣\n"
        "後列 3 段目右から、高原 JOGMEC 理事長、イスラモフ鉱山地質大臣",
        "caption_en": "Central Asia + Japan Business Forum: ceremony presenting the signed "
        "documents\n"
        "Front row, centre: Prime Minister Takaichi\n"
        "Back rows, third row, from the right: JOGMEC President Takahara and Minister of Mining "
        "Industry and Geology Islamov",
        "credit_ja": "ROTOBO",
        "credit_en": "ROTOBO",
        "alt_text_ja": "プレナリーセッションの署名文書披露式典に並ぶ各国首脳と署名者",
        "alt_text_en": "Heads of state and signatories lined up at the ceremony presenting the "
        "signed documents at the plenary session",
        "label": "Signing ceremony",
        "colour": (84, 96, 140),
    },
    {
        "order": 5,
        "meeting": 6,
        "caption_ja": "中央アジア＋日本ビジネスフォーラム 署名文書披露フォトセッション\n"
        "最前列中央左に赤澤経済産業大臣\n"
        "後列一段目右に高原 JOGMEC 理事長",
        "caption_en": "Central Asia + Japan Business Forum: photo session presenting the signed "
        "documents\n"
        "Front row, centre left: Minister of Economy, Trade and Industry Akazawa\n"
        "Back rows, first row, right: JOGMEC President Takahara",
        "credit_ja": "ROTOBO",
        "credit_en": "ROTOBO",
        "alt_text_ja": "署名文書披露フォトセッションに並ぶ各国の経済担当大臣と署名者",
        "alt_text_en": "Economy ministers and signatories lined up at the photo session "
        "presenting the signed documents",
        "label": "Photo session",
        "colour": (112, 100, 128),
    },
]


@dataclass
class Summary:
    release: Release
    created: int = 0
    updated: int = 0
    images: int = 0


def _stand_in_jpeg(label, colour, size=(1200, 800)):
    top = Image.new("RGB", size, colour)
    bottom = Image.new("RGB", size, tuple(c // 2 for c in colour))
    image = Image.composite(bottom, top, Image.linear_gradient("L").resize(size))
    draw = ImageDraw.Draw(image)
    middle = (size[0] // 2, size[1] // 2)
    draw.text(
        middle, f"Photo: {label}", font=ImageFont.load_default(size=64), fill="white", anchor="mm"
    )
    draw.text(
        (middle[0], middle[1] + 80),
        "Stand-in image: the original photo is not available",
        font=ImageFont.load_default(size=28),
        fill=(230, 230, 230),
        anchor="mm",
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class _Loader:
    def __init__(self):
        self.countries = {c.code: c for c in Country.objects.all()}
        self.organizations = {}
        self.officials = {}
        self.created = 0
        self.updated = 0

    def upsert(self, model, lookup, values):
        """The row `lookup` finds, created or brought up to date with `values`; saved only if new
        or changed, so a second run leaves every row (and its last-changed time) as it was."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            self.created += 1
            return model.objects.create(**lookup, **values)
        changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if changed:
            for name, value in changed.items():
                setattr(obj, name, value)
            obj.save()
            self.updated += 1
        return obj

    def load(self):
        for data in ORGANIZATIONS:
            data = dict(data)
            parent = data.pop("parent", None)
            data["country"] = self.countries[data["country"]]
            data["parent"] = self.organizations[parent] if parent else None
            slug = data.pop("slug")
            self.organizations[slug] = self.upsert(Organization, {"slug": slug}, data)

        for data in OFFICIALS:
            data = dict(data)
            posts = data.pop("posts")
            data["country"] = self.countries[data["country"]]
            slug = data.pop("slug")
            official = self.officials[slug] = self.upsert(Official, {"slug": slug}, data)
            for (title_ja, title_en), organization, start_date in posts:
                self.upsert(
                    Post,
                    {
                        "official": official,
                        "title_ja": title_ja,
                        "organization": self.organizations.get(organization),
                    },
                    {"title_en": title_en, "start_date": start_date},
                )

        data = dict(RELEASE)
        countries = [self.countries[code] for code in data.pop("countries")]
        data["issuer"] = self.organizations[data["issuer"]]
        release = self.upsert(Release, {"slug": data.pop("slug")}, data)
        release.countries.set(countries)

        for data in CONTACTS:
            data = dict(data)
            self.upsert(Contact, {"release": release, "role": data.pop("role")}, data)

        for data in SECTIONS:
            data = dict(data)
            self.upsert(Section, {"release": release, "order": data.pop("order")}, data)

        meetings = {}
        for data in MEETINGS:
            data = dict(data)
            participants = data.pop("participants")
            data["country"] = self.countries[data["country"]]
            data["place_ja"], data["place_en"] = data.pop("place")
            order = data.pop("order")
            meeting = meetings[order] = self.upsert(
                Meeting, {"release": release, "order": order}, data
            )
            for position, (slug, (title_ja, title_en)) in enumerate(participants, start=1):
                self.upsert(
                    MeetingParticipant,
                    {"meeting": meeting, "official": self.officials[slug]},
                    {"title_ja": title_ja, "title_en": title_en, "order": position},
                )

        for data in AGREEMENTS:
            data = dict(data)
            parties = [self.organizations[slug] for slug in data.pop("parties")]
            signatories = [self.officials[slug] for slug in data.pop("signatories")]
            role = data.pop("role")
            data["country"] = self.countries[data["country"]]
            agreement = self.upsert(Agreement, {"slug": data.pop("slug")}, data)
            agreement.parties.set(parties)
            agreement.signatories.set(signatories)
            self.upsert(
                ReleaseAgreement, {"release": release, "agreement": agreement}, {"role": role}
            )

        images = 0
        for data in PHOTOS:
            data = dict(data)
            label, colour = data.pop("label"), data.pop("colour")
            data["meeting"] = meetings[data["meeting"]]
            order = data.pop("order")
            photo = self.upsert(Photo, {"release": release, "order": order}, data)
            # The image is made once; a row whose file is gone (new media folder) gets a new one.
            if not photo.image or not photo.image.storage.exists(photo.image.name):
                name = f"{release.slug}-{order}.jpg"
                # A ContentFile without a name leaves the width and height empty.
                photo.image.save(name, ContentFile(_stand_in_jpeg(label, colour), name=name))
                images += 1

        refresh_search_text([release])
        return Summary(release, self.created, self.updated, images)


def load_demo():
    """Write the demo release and everything it refers to; return what was created or updated."""
    with transaction.atomic():
        return _Loader().load()
