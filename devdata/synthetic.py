"""Synthetic releases for development and benchmarks: realistic in shape, plainly not real.

`generate(n, seed)` writes n releases with everything a release page shows: sections, meetings
in partner countries with officials and the titles they held on the day, agreements (some
announced by one release and mentioned by later ones), contacts and photos, in Japanese and
English, spread over about fifteen years. It writes with `bulk_create` in batches, so 10,000
releases take seconds, not hours; `save()` is never called, so what `save()` would derive is
set here (participants' titles, the release's countries, the search text, the translation
status).

Every row written here that has a slug has one starting with `SLUG_PREFIX`; rows without a slug
(sections, meetings, photos...) belong to such a release. `clear()` removes exactly these, and
keeps any of them that real data still points at.

Officials and organisations form a fixed pool (the same on every run and every machine): it is
written once and reused, so running the command twice adds releases, not a second cast.
"""

import colorsys
import datetime
import io
import random
import time
import unicodedata
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import reset_queries, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from people.models import Country, Official, Organization, Post
from releases import renditions
from releases.models import (
    Agreement,
    Contact,
    Meeting,
    MeetingParticipant,
    Photo,
    Release,
    ReleaseAgreement,
    Section,
    Signature,
    refresh_signatures,
)
from releases.search import search_values
from releases.translation_status import refresh_translation_status

SLUG_PREFIX = "synthetic-"
RELEASE_PREFIX = f"{SLUG_PREFIX}r"
AGREEMENT_PREFIX = f"{SLUG_PREFIX}a"
ORGANIZATION_PREFIX = f"{SLUG_PREFIX}o-"
OFFICIAL_PREFIX = f"{SLUG_PREFIX}p-"
PHOTO_DIR = "synthetic"
PHOTO_COUNT = 12
POOL_SEED = "synthetic-pool-v1"
# The pool's careers are drawn over a fixed span, so the pool is the same whatever the date;
# only what has happened by today is written.
POOL_FIRST_DAY = datetime.date(2008, 1, 1)
POOL_LAST_DAY = datetime.date(2035, 12, 31)
YEARS = 15
BATCH_SIZE = 500

AGENCY = ("エネルギー・金属鉱物資源機構", "Japan Organization for Metals and Energy Security")
AGENCY_FULL_JA = "独立行政法人エネルギー・金属鉱物資源機構（JOGMEC）"
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

# ---------------------------------------------------------------------------------------------
# Vocabularies

MINERALS = {
    "lithium": ("リチウム", "lithium"),
    "copper": ("銅", "copper"),
    "rare-earths": ("レアアース", "rare earths"),
    "nickel": ("ニッケル", "nickel"),
    "cobalt": ("コバルト", "cobalt"),
    "uranium": ("ウラン", "uranium"),
    "lng": ("LNG", "LNG"),
    "natural-gas": ("天然ガス", "natural gas"),
    "crude-oil": ("原油", "crude oil"),
    "tungsten": ("タングステン", "tungsten"),
    "graphite": ("黒鉛", "graphite"),
    "manganese": ("マンガン", "manganese"),
    "zinc": ("亜鉛", "zinc"),
    "pgm": ("白金族金属", "platinum group metals"),
    "titanium": ("チタン", "titanium"),
    "gallium": ("ガリウム", "gallium"),
    "vanadium": ("バナジウム", "vanadium"),
    "niobium": ("ニオブ", "niobium"),
    "molybdenum": ("モリブデン", "molybdenum"),
    "antimony": ("アンチモン", "antimony"),
    "bauxite": ("ボーキサイト", "bauxite"),
    "gold": ("金", "gold"),
    "coal": ("石炭", "coal"),
    "hydrogen": ("水素", "hydrogen"),
    "ammonia": ("アンモニア", "ammonia"),
}
OIL_AND_GAS = {"lng", "natural-gas", "crude-oil"}
NEW_FUELS = {"hydrogen", "ammonia"}

MINISTRIES = {
    "energy": ("エネルギー", "Energy", "Министерство энергетики"),
    "industry": ("産業・建設", "Industry and Construction", "Министерство промышленности и строительства"),
    "mining": ("鉱業", "Mining", "Министерство горнодобывающей промышленности"),
    "geology": ("鉱山地質", "Mining Industry and Geology", "Министерство горной промышленности и геологии"),
    "natural-resources": ("天然資源", "Natural Resources", "Министерство природных ресурсов"),
    "mines-energy": ("鉱山エネルギー", "Mines and Energy", "Министерство горнорудной промышленности и энергетики"),
    "economy": ("経済", "Economy", "Министерство экономики"),
}  # fmt: skip

HEADS = {
    "president": ("大統領", "President"),
    "prime-minister": ("首相", "Prime Minister"),
    "chancellor": ("首相", "Federal Chancellor"),
}


@dataclass(frozen=True)
class Partner:
    code: str
    weight: int
    region: str
    names: str
    head: str
    ministries: tuple
    minerals: tuple
    cities: tuple
    name_ja: str
    name_en: str
    name_ru: str = ""  # genitive, for organisations' Cyrillic names

    @property
    def short_en(self):
        """The name in titles and lists: "Kazakhstan" for "the Republic of Kazakhstan"."""
        return SHORT_NAMES.get(self.code) or self.name_en.rsplit(" of ", 1)[-1]

    @property
    def short_ja(self):
        """「カザフスタン」 for 「カザフスタン共和国」, as in 日カザフスタン."""
        if self.code in SHORT_NAMES_JA:
            return SHORT_NAMES_JA[self.code]
        for suffix in ("独立国", "連邦共和国", "社会主義共和国", "多民族国", "連合共和国"):
            if self.name_ja.endswith(suffix):
                return self.name_ja.removesuffix(suffix)
        return self.name_ja.removesuffix("共和国").removesuffix("王国").removesuffix("連邦")


SHORT_NAMES_JA = {
    "US": "米国",
    "GB": "英国",
    "KR": "韓国",
    "AE": "UAE",
    "MX": "メキシコ",
    "MN": "モンゴル",
    "QA": "カタール",
    "OM": "オマーン",
    "CD": "コンゴ民主共和国",
}
SHORT_NAMES = {
    "KG": "Kyrgyzstan",
    "AR": "Argentina",
    "MX": "Mexico",
    "FR": "France",
    "CD": "DR Congo",
    "PH": "the Philippines",
}


def _partner(code, weight, region, names, head, ministries, minerals, cities, ja, en, ru=""):
    cities = tuple(tuple(c.split("/")) for c in cities.split(";"))
    return Partner(
        code,
        weight,
        region,
        names,
        head,
        tuple(ministries.split()),
        tuple(minerals.split()),
        cities,
        ja,
        en,
        ru,
    )


# The countries the agency deals with, how often (weight), what about, and where.
PARTNERS = [
    _partner("KZ", 10, "central-asia", "turkic", "president", "energy industry", "uranium rare-earths tungsten copper titanium gallium", "アスタナ/Astana;アルマティ/Almaty;ウスチカメノゴルスク/Oskemen", "カザフスタン共和国", "the Republic of Kazakhstan", "Республики Казахстан"),
    _partner("UZ", 6, "central-asia", "turkic", "president", "geology energy", "uranium copper tungsten gold molybdenum", "タシケント/Tashkent;ナヴォイ/Navoiy;アルマリク/Olmaliq", "ウズベキスタン共和国", "the Republic of Uzbekistan", "Республики Узбекистан"),
    _partner("KG", 2, "central-asia", "turkic", "president", "natural-resources", "gold rare-earths antimony", "ビシュケク/Bishkek", "キルギス共和国", "the Kyrgyz Republic", "Кыргызской Республики"),
    _partner("TJ", 2, "central-asia", "turkic", "president", "industry", "antimony tungsten gold", "ドゥシャンベ/Dushanbe", "タジキスタン共和国", "the Republic of Tajikistan", "Республики Таджикистан"),
    _partner("TM", 2, "central-asia", "turkic", "president", "energy", "natural-gas", "アシガバット/Ashgabat", "トルクメニスタン", "Turkmenistan", "Туркменистана"),
    _partner("AZ", 2, "central-asia", "turkic", "president", "energy", "crude-oil natural-gas", "バクー/Baku", "アゼルバイジャン共和国", "the Republic of Azerbaijan", "Азербайджанской Республики"),
    _partner("MN", 5, "east-asia", "mongol", "president", "mining energy", "copper rare-earths coal uranium", "ウランバートル/Ulaanbaatar;ダランザドガド/Dalanzadgad", "モンゴル国", "Mongolia", "Монголии"),
    _partner("KR", 2, "east-asia", "korean", "president", "industry", "hydrogen rare-earths", "ソウル/Seoul;世宗/Sejong", "大韓民国", "the Republic of Korea"),
    _partner("AU", 9, "oceania", "anglo", "prime-minister", "natural-resources industry", "lithium rare-earths lng nickel cobalt hydrogen", "キャンベラ/Canberra;パース/Perth;ブリスベン/Brisbane", "オーストラリア連邦", "Australia"),
    _partner("PG", 2, "oceania", "anglo", "prime-minister", "mining", "lng copper gold", "ポートモレスビー/Port Moresby", "パプアニューギニア独立国", "Papua New Guinea"),
    _partner("NC", 1, "oceania", "french", "", "mines-energy", "nickel cobalt", "ヌメア/Nouméa", "ニューカレドニア", "New Caledonia"),
    _partner("ID", 5, "southeast-asia", "indonesian", "president", "mines-energy", "nickel cobalt lng coal", "ジャカルタ/Jakarta;マカッサル/Makassar", "インドネシア共和国", "the Republic of Indonesia"),
    _partner("PH", 3, "southeast-asia", "filipino", "president", "natural-resources", "nickel copper gold", "マニラ/Manila", "フィリピン共和国", "the Republic of the Philippines"),
    _partner("VN", 3, "southeast-asia", "vietnamese", "prime-minister", "industry natural-resources", "rare-earths graphite", "ハノイ/Hanoi;ホーチミン/Ho Chi Minh City", "ベトナム社会主義共和国", "the Socialist Republic of Viet Nam"),
    _partner("MY", 3, "southeast-asia", "indonesian", "prime-minister", "natural-resources", "rare-earths lng", "クアラルンプール/Kuala Lumpur", "マレーシア", "Malaysia"),
    _partner("IN", 3, "south-asia", "indian", "prime-minister", "mining", "rare-earths hydrogen", "ニューデリー/New Delhi;ムンバイ/Mumbai", "インド", "India"),
    _partner("CL", 7, "latin-america", "hispanic", "president", "mining energy", "lithium copper molybdenum", "サンティアゴ/Santiago;アントファガスタ/Antofagasta", "チリ共和国", "the Republic of Chile"),
    _partner("PE", 5, "latin-america", "hispanic", "president", "mines-energy", "copper zinc molybdenum", "リマ/Lima;アレキパ/Arequipa", "ペルー共和国", "the Republic of Peru"),
    _partner("AR", 5, "latin-america", "hispanic", "president", "mining economy", "lithium copper", "ブエノスアイレス/Buenos Aires;サルタ/Salta;フフイ/San Salvador de Jujuy", "アルゼンチン共和国", "the Argentine Republic"),
    _partner("BO", 3, "latin-america", "hispanic", "president", "mining", "lithium zinc", "ラパス/La Paz;ウユニ/Uyuni", "ボリビア多民族国", "the Plurinational State of Bolivia"),
    _partner("BR", 4, "latin-america", "lusophone", "president", "mines-energy", "niobium rare-earths nickel graphite", "ブラジリア/Brasília;ベロオリゾンテ/Belo Horizonte", "ブラジル連邦共和国", "the Federative Republic of Brazil"),
    _partner("MX", 2, "latin-america", "hispanic", "president", "economy", "lithium zinc", "メキシコシティ/Mexico City", "メキシコ合衆国", "the United Mexican States"),
    _partner("CA", 6, "north-america", "anglo", "prime-minister", "natural-resources", "nickel cobalt lithium lng uranium graphite", "オタワ/Ottawa;トロント/Toronto;バンクーバー/Vancouver", "カナダ", "Canada"),
    _partner("US", 6, "north-america", "anglo", "president", "energy", "lng lithium rare-earths hydrogen", "ワシントンD.C./Washington, D.C.;ヒューストン/Houston;デンバー/Denver", "アメリカ合衆国", "the United States"),
    _partner("CD", 4, "africa", "francophone-africa", "president", "mining", "cobalt copper", "キンシャサ/Kinshasa;ルブンバシ/Lubumbashi", "コンゴ民主共和国", "the Democratic Republic of the Congo"),
    _partner("ZM", 4, "africa", "african", "president", "mining", "copper cobalt", "ルサカ/Lusaka;キトウェ/Kitwe", "ザンビア共和国", "the Republic of Zambia"),
    _partner("ZA", 5, "africa", "african", "president", "mining energy", "pgm manganese vanadium hydrogen", "プレトリア/Pretoria;ヨハネスブルグ/Johannesburg;ケープタウン/Cape Town", "南アフリカ共和国", "the Republic of South Africa"),
    _partner("NA", 3, "africa", "african", "president", "mines-energy", "uranium rare-earths lithium", "ウィントフック/Windhoek", "ナミビア共和国", "the Republic of Namibia"),
    _partner("BW", 3, "africa", "african", "president", "natural-resources", "copper nickel", "ハボローネ/Gaborone", "ボツワナ共和国", "the Republic of Botswana"),
    _partner("MZ", 2, "africa", "lusophone", "president", "natural-resources", "graphite lng", "マプト/Maputo", "モザンビーク共和国", "the Republic of Mozambique"),
    _partner("MG", 2, "africa", "francophone-africa", "president", "mining", "nickel cobalt graphite", "アンタナナリボ/Antananarivo", "マダガスカル共和国", "the Republic of Madagascar"),
    _partner("TZ", 2, "africa", "african", "president", "mining", "graphite nickel rare-earths", "ドドマ/Dodoma;ダルエスサラーム/Dar es Salaam", "タンザニア連合共和国", "the United Republic of Tanzania"),
    _partner("GN", 1, "africa", "francophone-africa", "president", "mining", "bauxite", "コナクリ/Conakry", "ギニア共和国", "the Republic of Guinea"),
    _partner("MA", 2, "africa", "arabic", "prime-minister", "energy", "cobalt", "ラバト/Rabat", "モロッコ王国", "the Kingdom of Morocco"),
    _partner("SA", 4, "middle-east", "arabic", "", "energy industry", "crude-oil hydrogen ammonia", "リヤド/Riyadh;ダンマーム/Dammam", "サウジアラビア王国", "the Kingdom of Saudi Arabia"),
    _partner("AE", 4, "middle-east", "arabic", "", "energy", "crude-oil hydrogen lng", "アブダビ/Abu Dhabi;ドバイ/Dubai", "アラブ首長国連邦", "the United Arab Emirates"),
    _partner("QA", 3, "middle-east", "arabic", "", "energy", "lng", "ドーハ/Doha", "カタール国", "the State of Qatar"),
    _partner("OM", 2, "middle-east", "arabic", "", "energy", "lng hydrogen copper", "マスカット/Muscat", "オマーン国", "the Sultanate of Oman"),
    _partner("GB", 2, "europe", "anglo", "prime-minister", "industry", "lithium rare-earths", "ロンドン/London", "英国", "the United Kingdom"),
    _partner("DE", 2, "europe", "german", "chancellor", "economy", "lithium rare-earths", "ベルリン/Berlin", "ドイツ連邦共和国", "the Federal Republic of Germany"),
    _partner("FR", 1, "europe", "french", "president", "economy", "lithium rare-earths", "パリ/Paris", "フランス共和国", "the French Republic"),
    _partner("FI", 2, "europe", "nordic", "prime-minister", "economy", "nickel cobalt lithium", "ヘルシンキ/Helsinki", "フィンランド共和国", "the Republic of Finland"),
    _partner("SE", 1, "europe", "nordic", "prime-minister", "industry", "rare-earths", "ストックホルム/Stockholm", "スウェーデン王国", "the Kingdom of Sweden"),
    _partner("NO", 2, "europe", "nordic", "prime-minister", "energy", "natural-gas", "オスロ/Oslo", "ノルウェー王国", "the Kingdom of Norway"),
]  # fmt: skip
PARTNERS_BY_CODE = {p.code: p for p in PARTNERS}

# International events where the agency speaks: (ja, en, host, city index).
EVENTS = [
    ("PDAC（カナダ探鉱者・開発者協会年次総会）", "the PDAC Convention", "CA", 1),
    ("マイニング・インダバ", "Mining Indaba", "ZA", 2),
    ("未来鉱物フォーラム", "the Future Minerals Forum", "SA", 0),
    ("アスタナ鉱業・冶金会議", "the Astana Mining & Metallurgy Congress", "KZ", 0),
    ("タシケント国際投資フォーラム", "the Tashkent International Investment Forum", "UZ", 0),
    ("ペルー鉱業会議（PERUMIN）", "PERUMIN, the Peru mining convention", "PE", 1),
    ("チリ国際鉱業展示会（Expomin）", "Expomin, the Chilean mining exhibition", "CL", 0),
    ("豪州鉱業投資会議", "the Australian mining investment conference", "AU", 1),
    ("インドネシア鉱業会議", "the Indonesia mining conference", "ID", 0),
]

# Names: "Latin|カナ|Кириллица|f" (f: a woman's name). Cyrillic only where the country writes it.
NAME_GROUPS = {
    "turkic": (
        "Nurlan|ヌルラン|Нурлан;Askar|アスカル|Аскар;Serik|セリク|Серик;Yerlan|エルラン|Ерлан;"
        "Bakhyt|バフィト|Бахыт;Marat|マラト|Марат;Timur|ティムール|Тимур;Almas|アルマス|Алмас;"
        "Daniyar|ダニヤル|Данияр;Rustam|ルスタム|Рустам;Jamshid|ジャムシド|Джамшид;"
        "Azamat|アザマト|Азамат;Kanat|カナト|Канат;Bolat|ボラト|Болат;Murat|ムラト|Мурат;"
        "Aliya|アリヤ|Алия|f;Gulnara|グリナラ|Гульнара|f;Saule|サウレ|Сауле|f;"
        "Dilnoza|ディルノザ|Дилноза|f;Aigerim|アイゲリム|Айгерим|f",
        "Zhaksybekov|ジャクスィベコフ|Жаксыбеков;Abdrakhmanov|アブドラフマノフ|Абдрахманов;"
        "Nurpeisov|ヌルペイソフ|Нурпеисов;Seitkaliyev|セイトカリエフ|Сейткалиев;"
        "Iskakov|イスカコフ|Искаков;Tursunov|トゥルスノフ|Турсунов;Karimov|カリモフ|Каримов;"
        "Yusupov|ユスポフ|Юсупов;Akhmetov|アフメトフ|Ахметов;Omarov|オマロフ|Омаров;"
        "Sultanov|スルタノフ|Султанов;Kasymov|カスィモフ|Касымов;Rakhimov|ラヒモフ|Рахимов;"
        "Baimukhanov|バイムハノフ|Баймуханов;Temirbayev|テミルバエフ|Темирбаев;"
        "Ergashev|エルガシェフ|Эргашев",
    ),
    "mongol": (
        "Batbold|バトボルド|Батболд;Ganbaatar|ガンバータル|Ганбаатар;Enkhbayar|エンフバヤル|Энхбаяр;"
        "Tsogtbaatar|ツォグトバータル|Цогтбаатар;Altangerel|アルタンゲレル|Алтангэрэл;"
        "Batjargal|バトジャルガル|Батжаргал;Sarantuya|サラントヤ|Сарантуяа|f;"
        "Bolormaa|ボロルマー|Болормаа|f;Oyunchimeg|オユンチメグ|Оюунчимэг|f",
        "Luvsan|ロブサン|Лувсан;Dorj|ドルジ|Дорж;Sukhbaatar|スフバートル|Сүхбаатар;"
        "Gombo|ゴンボ|Гомбо;Tserendorj|ツェレンドルジ|Цэрэндорж;Purev|プレブ|Пүрэв;"
        "Byambaa|ビャンバー|Бямбаа;Naran|ナラン|Наран",
    ),
    "anglo": (
        "James|ジェームズ;Michael|マイケル;David|デビッド;Thomas|トーマス;Andrew|アンドリュー;"
        "Robert|ロバート;Daniel|ダニエル;Mark|マーク;Peter|ピーター;Simon|サイモン;"
        "Richard|リチャード;Helen|ヘレン|f;Laura|ローラ|f;Sarah|サラ|f;Emma|エマ|f;"
        "Catherine|キャサリン|f;Claire|クレア|f;Olivia|オリビア|f;Rebecca|レベッカ|f",
        "Thompson|トンプソン;Wilson|ウィルソン;Campbell|キャンベル;Mitchell|ミッチェル;"
        "Fraser|フレーザー;Bennett|ベネット;Harris|ハリス;Clarke|クラーク;Walker|ウォーカー;"
        "Reid|リード;Morgan|モーガン;Hughes|ヒューズ;Turner|ターナー;Murray|マレー;"
        "Stewart|スチュワート;Kelly|ケリー;Brooks|ブルックス;Foster|フォスター",
    ),
    "hispanic": (
        "Carlos|カルロス;José|ホセ;Luis|ルイス;Javier|ハビエル;Diego|ディエゴ;"
        "Andrés|アンドレス;Ricardo|リカルド;Pablo|パブロ;Jorge|ホルヘ;Manuel|マヌエル;"
        "Sergio|セルヒオ;Alejandro|アレハンドロ;Valentina|バレンティナ|f;Lucía|ルシア|f;"
        "Daniela|ダニエラ|f;María|マリア|f;Ana|アナ|f;"
        "Gabriela|ガブリエラ|f;Sofía|ソフィア|f;Camila|カミラ|f;Fernanda|フェルナンダ|f",
        "González|ゴンサレス;Rodríguez|ロドリゲス;Fernández|フェルナンデス;López|ロペス;"
        "Martínez|マルティネス;Rojas|ロハス;Muñoz|ムニョス;Herrera|エレーラ;"
        "Castillo|カスティージョ;Vargas|バルガス;Morales|モラレス;Quispe|キスペ;"
        "Torres|トレス;Flores|フローレス;Navarro|ナバロ;Soto|ソト;Cárdenas|カルデナス;"
        "Mendoza|メンドーサ;Paredes|パレデス;Aguilar|アギラール",
    ),
    "lusophone": (
        "João|ジョアン;Pedro|ペドロ;Lucas|ルーカス;Rafael|ハファエル;Carlos|カルロス;"
        "Ana|アナ|f;Mariana|マリアナ|f;Beatriz|ベアトリス|f;Luísa|ルイーザ|f",
        "Silva|シルバ;Santos|サントス;Oliveira|オリヴェイラ;Souza|ソウザ;Costa|コスタ;"
        "Almeida|アルメイダ;Machava|マシャバ;Mondlane|モンドラーネ",
    ),
    "french": (
        "Jean|ジャン;Pierre|ピエール;Olivier|オリヴィエ;Philippe|フィリップ;Nicolas|ニコラ;"
        "Marie|マリー|f;Claire|クレール|f;Sophie|ソフィー|f;Isabelle|イザベル|f",
        "Martin|マルタン;Dubois|デュボワ;Lefèvre|ルフェーヴル;Moreau|モロー;Laurent|ローラン;"
        "Girard|ジラール;Bernard|ベルナール;Roux|ルー",
    ),
    "francophone-africa": (
        "Jean-Pierre|ジャンピエール;Patrice|パトリス;Didier|ディディエ;Mamadou|ママドゥ;"
        "Joseph|ジョセフ;Olivier|オリヴィエ;Aminata|アミナタ|f;Marie-Claire|マリークレール|f;"
        "Fatoumata|ファトゥマタ|f",
        "Mbuyi|ムブイ;Kabongo|カボンゴ;Ilunga|イルンガ;Mutombo|ムトンボ;Diallo|ディアロ;"
        "Camara|カマラ;Rakotomalala|ラコトマララ;Randrianasolo|ランドリアナソロ",
    ),
    "african": (
        "Joseph|ジョセフ;Emmanuel|エマニュエル;Patrick|パトリック;Samuel|サミュエル;"
        "Moses|モーゼス;Tshepo|ツェポ;Kabelo|カベロ;Grace|グレース|f;Esther|エスター|f;"
        "Florence|フローレンス|f;Thandiwe|タンディウェ|f;Amina|アミナ|f",
        "Mwansa|ムワンサ;Banda|バンダ;Dlamini|ドラミニ;Phiri|ピリ;Moyo|モヨ;Ndlovu|ンドロブ;"
        "Kamau|カマウ;Mokoena|モコエナ;Shikongo|シコンゴ;Mwakyusa|ムワキュサ;Sithole|シトレ;"
        "Chanda|チャンダ;Mulenga|ムレンガ;Nangolo|ナンゴロ;Masilo|マシロ;Kgosi|クゴシ",
    ),
    "arabic": (
        "Mohammed|ムハンマド;Abdullah|アブドゥッラー;Khalid|ハーリド;Saeed|サイード;"
        "Ahmed|アハメド;Faisal|ファイサル;Omar|オマル;Hamad|ハマド;Salem|サーレム;"
        "Fatima|ファーティマ|f;Noura|ノーラ|f;Mariam|マリアム|f",
        "Al-Mansouri|アル・マンスーリ;Al-Kuwari|アル・クワーリ;Al-Otaibi|アル・オタイビ;"
        "Al-Hashimi|アル・ハーシミ;Al-Suwaidi|アル・スワイディ;Al-Harthy|アル・ハルシー;"
        "Bennani|ベンナーニ;El Idrissi|エル・イドリーシ",
    ),
    "indonesian": (
        "Budi|ブディ;Agus|アグス;Rizal|リザル;Hendra|ヘンドラ;Arif|アリフ;Ahmad|アフマド;"
        "Siti|シティ|f;Dewi|デウィ|f;Nurul|ヌルル|f;Aisyah|アイシャ|f",
        "Santoso|サントソ;Wijaya|ウィジャヤ;Hidayat|ヒダヤット;Pratama|プラタマ;"
        "Setiawan|セティアワン;Ismail|イスマイル;Rahman|ラーマン;Hassan|ハッサン",
    ),
    "filipino": (
        "Jose|ホセ;Antonio|アントニオ;Ramon|ラモン;Miguel|ミゲル;Eduardo|エドゥアルド;"
        "Maria|マリア|f;Cristina|クリスティーナ|f;Angelica|アンジェリカ|f",
        "Reyes|レイエス;Cruz|クルス;Bautista|バウティスタ;Villanueva|ビジャヌエバ;"
        "Mendoza|メンドーサ;Aquino|アキノ;Ramos|ラモス;Santiago|サンティアゴ",
    ),
    "vietnamese": (
        "Văn An|ヴァン・アン;Văn Hùng|ヴァン・フン;Minh Tuấn|ミン・トゥアン;Đức Thắng|ドゥック・タン;"
        "Quốc Bảo|クオック・バオ;Thị Lan|ティ・ラン|f;Thị Hương|ティ・フオン|f;Thu Hà|トゥー・ハー|f",
        "Nguyễn|グエン;Trần|チャン;Lê|レ;Phạm|ファム;Hoàng|ホアン;Vũ|ヴー;Đặng|ダン;Bùi|ブイ",
    ),
    "indian": (
        "Rajesh|ラジェシュ;Amit|アミット;Vikram|ヴィクラム;Sanjay|サンジャイ;Arjun|アルジュン;"
        "Priya|プリヤ|f;Sunita|スニタ|f;Anjali|アンジャリ|f",
        "Sharma|シャルマ;Gupta|グプタ;Iyer|アイヤー;Reddy|レッディ;Patel|パテル;Singh|シン;"
        "Nair|ナーイル;Mehta|メータ",
    ),
    "korean": (
        "Min-jun|ミンジュン;Hyun-woo|ヒョンウ;Dong-hyun|ドンヒョン;Jae-won|ジェウォン;"
        "Ji-woo|ジウ|f;Seo-yeon|ソヨン|f;Su-bin|スビン|f",
        "Kim|キム;Lee|イ;Park|パク;Choi|チェ;Jung|チョン;Kang|カン;Yoon|ユン;Han|ハン",
    ),
    "german": (
        "Lukas|ルーカス;Felix|フェリックス;Matthias|マティアス;Stefan|シュテファン;"
        "Anna|アンナ|f;Julia|ユリア|f;Katrin|カトリン|f",
        "Müller|ミュラー;Schneider|シュナイダー;Fischer|フィッシャー;Weber|ヴェーバー;"
        "Becker|ベッカー;Hoffmann|ホフマン;Wagner|ヴァーグナー",
    ),
    "nordic": (
        "Mikko|ミッコ;Lars|ラーシュ;Erik|エリック;Jonas|ヨナス;Antti|アンッティ;"
        "Aino|アイノ|f;Ingrid|イングリッド|f;Sanna|サンナ|f",
        "Virtanen|ヴィルタネン;Korhonen|コルホネン;Hansen|ハンセン;Johansson|ヨハンソン;"
        "Lindqvist|リンドクヴィスト;Berg|ベリ;Nieminen|ニエミネン",
    ),
}
FAMILY_FIRST = {"mongol", "vietnamese", "korean"}

# Japanese: "漢字|かな|Latin".
JAPANESE_SURNAMES = (
    "佐藤|さとう|Sato;鈴木|すずき|Suzuki;高橋|たかはし|Takahashi;田中|たなか|Tanaka;"
    "伊藤|いとう|Ito;渡辺|わたなべ|Watanabe;山本|やまもと|Yamamoto;中村|なかむら|Nakamura;"
    "小林|こばやし|Kobayashi;加藤|かとう|Kato;吉田|よしだ|Yoshida;山口|やまぐち|Yamaguchi;"
    "松本|まつもと|Matsumoto;井上|いのうえ|Inoue;木村|きむら|Kimura;清水|しみず|Shimizu"
)
JAPANESE_GIVEN = (
    "健一|けんいち|Kenichi;大輔|だいすけ|Daisuke;直樹|なおき|Naoki;誠|まこと|Makoto;"
    "浩|ひろし|Hiroshi;拓也|たくや|Takuya;隆|たかし|Takashi;和也|かずや|Kazuya;"
    "裕子|ゆうこ|Yuko;美咲|みさき|Misaki;恵子|けいこ|Keiko;彩|あや|Aya;智子|ともこ|Tomoko;"
    "陽子|ようこ|Yoko"
)

DEPARTMENTS = {
    "metals": (
        "金属企画部 国際業務課",
        "International Affairs Division, Metals Strategy Department",
    ),
    "exploration": ("金属資源技術部 探査課", "Exploration Division, Metals Technology Department"),
    "oil-gas": (
        "石油・天然ガス事業本部 企画調査部",
        "Planning and Research Department, Oil and Gas Division",
    ),
    "hydrogen": ("水素・アンモニア事業本部", "Hydrogen and Ammonia Division"),
}
PRESS = ("総務部 広報課", "Public Relations Division, General Affairs Department")

JAPANESE_COMPANIES = [
    ("toho-mining", "東邦鉱業株式会社", "Toho Mining Co., Ltd."),
    ("yamato-resources", "大和資源開発株式会社", "Yamato Resources Development Co., Ltd."),
    ("hokushin-metals", "北辰金属株式会社", "Hokushin Metals Corporation"),
    ("nisshin-energy", "日新エナジー株式会社", "Nisshin Energy Corporation"),
    ("aomi-refining", "青海精錬株式会社", "Aomi Refining Co., Ltd."),
    ("sakaki-trading", "榊商事株式会社", "Sakaki Trading Corporation"),
]

WITHDRAWAL_REASONS = [
    (
        "記載内容に誤りがあったため、掲載を取り下げました。",
        "Withdrawn: the release contained an error.",
    ),
    ("先方との調整により、公表を取り下げました。", "Withdrawn at the partner's request."),
    (
        "同内容の新しいお知らせに差し替えました。",
        "Replaced by a newer release on the same subject.",
    ),
]

# Sentences: (ja, en), with {c_ja} {c_en} {m_ja} {m_en} {y} filled in.
SENTENCES = [
    ("{m_ja}資源の探査・開発に関する両者の取組について意見交換を行いました。",
     "The two sides exchanged views on their work in {m_en} exploration and development."),
    ("先方からは、JOGMEC との協力関係の強化に向けた期待が表明されました。",
     "Our counterparts expressed their hope for stronger cooperation with JOGMEC."),
    ("JOGMEC からは、{c_ja}における近年の取組について説明しました。",
     "JOGMEC presented its recent work in {c_en}."),
    ("両者は、{m_ja}サプライチェーンの強靱化に向けて協力関係を深化させていくことを確認しました。",
     "Both sides confirmed that they would deepen their cooperation towards resilient {m_en} "
     "supply chains."),
    ("今後、具体的な共同プロジェクトの組成に向けて協議を継続することで一致しました。",
     "They agreed to continue talks towards concrete joint projects."),
    ("会談には在{c_ja}日本国大使館の関係者も同席しました。",
     "Officials of the Embassy of Japan in {c_en} also attended."),
    ("{c_ja}は{m_ja}の有望な供給源であり、我が国の安定供給確保にとって重要なパートナーです。",
     "{c_en} is a promising source of {m_en} and an important partner for Japan's secure supply."),
    ("{m_ja}の選鉱・製錬技術に関する情報交換の枠組みについても議論しました。",
     "They also discussed a framework for exchanging information on {m_en} processing and "
     "refining technology."),
    ("{y}年度に実施した共同調査の結果が報告されました。",
     "The results of the joint survey carried out in fiscal {y} were reported."),
    ("JOGMEC の探査技術と人材育成プログラムについて紹介しました。",
     "JOGMEC introduced its exploration technology and capacity-building programmes."),
    ("{m_ja}の需給見通しと価格動向についても意見を交わしました。",
     "They also compared views on the {m_en} supply and demand outlook and price trends."),
    ("衛星データを活用した広域調査の可能性についても検討しました。",
     "They also considered regional surveys using satellite data."),
]  # fmt: skip
CLOSING = (
    "JOGMEC は引き続き、資源国との関係強化を通じて我が国への資源の安定供給確保に努めてまいります。",
    "JOGMEC will continue to work for a stable supply of resources to Japan by strengthening its "
    "relations with resource-rich countries.",
)
HEADINGS = [
    ("背景", "Background"),
    ("今後の展開", "Next steps"),
    ("JOGMEC の取組", "JOGMEC's work"),
    ("参考", "For reference"),
]

# ---------------------------------------------------------------------------------------------
# Helpers


def _entries(text):
    return [entry.split("|") for entry in text.split(";")]


def _ascii(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def date_ja(day):
    return f"{day.year}年{day.month}月{day.day}日"


def date_en(day):
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def _paragraphs(*texts):
    return "".join(f"<p>{text}</p>" for text in texts if text)


def _the(name):
    """ "Ministry of Energy of X" reads "the Ministry of Energy of X" in a sentence."""
    return f"the {name}" if name.startswith(("Ministry", "Government", "Geological")) else name


def _fmt(pair, **values):
    english = pair[1].format(**values)
    return pair[0].format(**values), english[:1].upper() + english[1:]


def _female_surname(latin, kana, cyrillic):
    if latin.endswith(("ov", "ev", "yev")):
        return latin + "a", kana[:-1] + "ワ" if kana.endswith("フ") else kana, cyrillic + "а"
    return latin, kana, cyrillic


def _person(entry):
    """ "Latin|カナ|Кириллица|f" -> (latin, kana, cyrillic, is a woman's name)."""
    female = entry[-1] == "f"
    latin, kana, cyrillic = ([*entry[:-1]] if female else [*entry]) + [""] * (
        3 - len(entry) + female
    )
    return latin, kana, cyrillic, female


def make_foreign_name(group, rng, initial=""):
    """(name_ja, name_en, other spellings) for a made-up person of `group`.

    `initial`, a letter, becomes a middle initial ("James R. Walker", "ジェームズ・R・ウォーカー")
    where the names are written given name first.
    """
    given_names, surnames = (_entries(text) for text in NAME_GROUPS[group])
    g_latin, g_kana, g_cyr, female = _person(rng.choice(given_names))
    s_latin, s_kana, s_cyr, _ = _person(rng.choice(surnames))
    if female and group == "turkic":
        s_latin, s_kana, s_cyr = _female_surname(s_latin, s_kana, s_cyr)
    if group in FAMILY_FIRST:
        name_en, name_ja = f"{s_latin} {g_latin}", f"{s_kana}・{g_kana}"
    elif initial:
        name_en = f"{g_latin} {initial}. {s_latin}"
        name_ja = f"{g_kana}・{initial}・{s_kana}"
    else:
        name_en, name_ja = f"{g_latin} {s_latin}", f"{g_kana}・{s_kana}"
    other = []
    if g_cyr and s_cyr:
        # Russian documents put the family name first.
        other.append(f"{s_cyr} {g_cyr}" if group == "turkic" else f"{g_cyr} {s_cyr}")
    variants = {
        _ascii(name_en),
        name_en.replace("Zh", "J").replace("kh", "h").replace("Kh", "H").replace("yev", "ev"),
        name_en.replace("Al-", "Al ").replace("Mohammed", "Muhammad"),
    }
    other += sorted(v for v in variants if v != name_en)
    other.append(f"{_ascii(s_latin).upper()} {_ascii(g_latin)}")
    return name_ja, name_en, other


def make_japanese_name(rng):
    s_kanji, s_kana, s_latin = rng.choice(_entries(JAPANESE_SURNAMES))
    g_kanji, g_kana, g_latin = rng.choice(_entries(JAPANESE_GIVEN))
    return (
        f"{s_kanji} {g_kanji}",
        f"{g_latin} {s_latin}",
        [f"{s_latin.upper()} {g_latin}", f"{s_kana} {g_kana}", f"{s_kanji}{g_kanji}"],
    )


def rank_of(title_en):
    """How senior a post is, 0 first: who leads a meeting's list of participants."""
    order = ("President", "Prime Minister", "Federal Chancellor", "Minister", "Chair", "CEO")
    for rank, word in enumerate(order):
        if title_en.startswith(word):
            return rank
    return len(order)


# ---------------------------------------------------------------------------------------------
# The pool of organisations and officials


@dataclass
class _OrgSpec:
    slug: str
    name_ja: str
    name_en: str
    kind: str
    country: str | None
    short_name: str = ""
    other_names: str = ""


@dataclass
class _OfficialSpec:
    slug: str
    name_ja: str
    name_en: str
    other_names: str
    country: str
    posts: list = field(default_factory=list)  # (title_ja, title_en, org slug, start, end)


def _new_name(group, rng, used):
    """A name no one in the pool has yet, if the vocabulary allows; noted in `used`."""
    for attempt in range(40):
        initial = chr(ord("A") + rng.randrange(26)) if attempt >= 20 else ""
        name = make_foreign_name(group, rng, initial) if group else make_japanese_name(rng)
        if name[1] not in used:
            break
    used.add(name[1])
    return name


def _org_slug(code, key):
    return f"{ORGANIZATION_PREFIX}{code.lower()}-{key}"


def _pool_specs(today):
    """Organisations and officials with their posts up to `today`, the same on any machine."""
    rng = random.Random(POOL_SEED)
    orgs = [
        _OrgSpec(
            _org_slug("jp", "agency"),
            AGENCY[0],
            AGENCY[1],
            Organization.Kind.AGENCY,
            "JP",
            "JOGMEC",
            "JOGMEC",
        ),
        _OrgSpec(
            _org_slug("jp", "meti"),
            "経済産業省",
            "Ministry of Economy, Trade and Industry",
            Organization.Kind.MINISTRY,
            "JP",
            "METI",
        ),
    ]
    orgs += [
        _OrgSpec(_org_slug("jp", key), ja, en, Organization.Kind.COMPANY, "JP")
        for key, ja, en in JAPANESE_COMPANIES
    ]
    # position: (org slug, title_ja, title_en, shortest and longest tenure in days)
    positions = {
        "JP": [
            (_org_slug("jp", "agency"), "理事長", "President", 1400, 2600),
            (_org_slug("jp", "agency"), "理事", "Executive Director", 700, 1500),
            (_org_slug("jp", "agency"), "理事", "Executive Director", 700, 1500),
            (
                _org_slug("jp", "meti"),
                "経済産業大臣",
                "Minister of Economy, Trade and Industry",
                300,
                800,
            ),
            (
                _org_slug("jp", "meti"),
                "経済産業副大臣",
                "State Minister of Economy, Trade and Industry",
                300,
                800,
            ),
        ]
    }
    for p in PARTNERS:
        code = p.code.lower()
        cyrillic = bool(p.name_ru)
        gov = _org_slug(code, "government")
        orgs.append(
            _OrgSpec(
                gov,
                f"{p.name_ja}政府",
                f"Government of {p.name_en}",
                Organization.Kind.GOVERNMENT,
                p.code,
                other_names=f"Правительство {p.name_ru}" if cyrillic else "",
            )
        )
        posts = positions[p.code] = []
        if p.head:
            head_ja, head_en = HEADS[p.head]
            posts.append((gov, head_ja, head_en, 1800, 3200))
        for key in p.ministries[: 2 if p.weight >= 4 else 1]:
            m_ja, m_en, m_ru = MINISTRIES[key]
            slug = _org_slug(code, key)
            orgs.append(
                _OrgSpec(
                    slug,
                    f"{p.name_ja}{m_ja}省",
                    f"Ministry of {m_en} of {p.name_en}",
                    Organization.Kind.MINISTRY,
                    p.code,
                    other_names=f"{m_ru} {p.name_ru}" if cyrillic else "",
                )
            )
            posts.append((slug, f"{m_ja}大臣", f"Minister of {m_en}", 700, 1800))
            posts.append((slug, f"{m_ja}副大臣", f"Vice Minister of {m_en}", 700, 1800))
        short_country = p.short_en.removeprefix("the ")
        oil_and_gas = OIL_AND_GAS & set(p.minerals)
        company = _org_slug(code, "national-company")
        kind_ja, kind_en, initials = (
            ("国営石油ガス会社", "National Oil and Gas Company", "NOGC")
            if oil_and_gas and p.minerals[0] in oil_and_gas
            else ("国営鉱業会社", "National Mining Company", "NMC")
        )
        orgs.append(
            _OrgSpec(
                company,
                f"{p.short_ja}{kind_ja}",
                f"{short_country} {kind_en}",
                Organization.Kind.STATE_COMPANY,
                p.code,
                f"{p.code}{initials}",
            )
        )
        posts.append((company, "CEO", "CEO", 900, 2200))
        if p.weight >= 4:
            posts.append((company, "会長", "Chairman of the Board", 900, 2200))
            survey = _org_slug(code, "geological-survey")
            orgs.append(
                _OrgSpec(
                    survey,
                    f"{p.short_ja}地質調査所",
                    f"Geological Survey of {short_country}",
                    Organization.Kind.AGENCY,
                    p.code,
                )
            )
            posts.append((survey, "長官", "Chairman", 900, 2400))

    officials, used_names = [], set()
    for code, country_positions in positions.items():
        group = PARTNERS_BY_CODE[code].names if code != "JP" else None
        free = []  # officials whose last post has ended: some are appointed again
        for org, title_ja, title_en, shortest, longest in country_positions:
            start = POOL_FIRST_DAY - datetime.timedelta(days=rng.randint(0, shortest))
            while start <= POOL_LAST_DAY:
                end = start + datetime.timedelta(days=rng.randint(shortest, longest))
                candidates = [o for o in free if o.posts[-1][4] < start]
                if candidates and rng.random() < 0.3:
                    official = rng.choice(candidates)
                    free.remove(official)
                else:
                    name_ja, name_en, other = _new_name(group, rng, used_names)
                    slug = f"{OFFICIAL_PREFIX}{code.lower()}-{len(officials) + 1:04d}-"
                    slug += slugify(_ascii(name_en))[:60]
                    official = _OfficialSpec(slug, name_ja, name_en, "\n".join(other), code)
                    officials.append(official)
                official.posts.append((title_ja, title_en, org, start, end - datetime.timedelta(1)))
                free.append(official)
                start = end
    for official in officials:
        official.posts = [
            (title_ja, title_en, org, start, None if end >= today else end)
            for title_ja, title_en, org, start, end in official.posts
            if start <= today
        ]
    return orgs, [official for official in officials if official.posts]


@dataclass(frozen=True)
class _PostInfo:
    official: Official
    official_id: int
    name_ja: str
    name_en: str
    title_ja: str
    title_en: str
    org: Organization
    start: datetime.date | None
    end: datetime.date | None
    rank: int


@dataclass
class _Pool:
    countries: dict  # code -> Country
    orgs: dict  # slug -> Organization
    posts: dict  # country code -> [_PostInfo]
    partners: list
    weights: list

    def org(self, code, key):
        return self.orgs.get(_org_slug(code.lower(), key))

    def holders(self, code, day):
        """Posts of `code` held on `day`, most senior first."""
        return [
            p
            for p in self.posts.get(code, ())
            if (p.start is None or p.start <= day) and (p.end is None or p.end >= day)
        ]


def ensure_pool(today):
    """Write the organisations and officials that are missing, then read the whole pool back."""
    countries = {c.code: c for c in Country.objects.all()}
    missing = ({"JP"} | set(PARTNERS_BY_CODE)) - set(countries)
    if missing:
        raise LookupError(
            f"Countries missing from the database ({', '.join(sorted(missing))}): run migrate."
        )
    org_specs, official_specs = _pool_specs(today)
    existing = set(
        Organization.objects.filter(slug__startswith=ORGANIZATION_PREFIX).values_list(
            "slug", flat=True
        )
    )
    Organization.objects.bulk_create(
        Organization(
            slug=s.slug,
            name_ja=s.name_ja,
            name_en=s.name_en,
            short_name_ja=s.short_name,
            short_name_en=s.short_name,
            other_names=s.other_names,
            kind=s.kind,
            country=countries[s.country] if s.country else None,
        )
        for s in org_specs
        if s.slug not in existing
    )
    orgs = {o.slug: o for o in Organization.objects.filter(slug__startswith=ORGANIZATION_PREFIX)}
    existing = set(
        Official.objects.filter(slug__startswith=OFFICIAL_PREFIX).values_list("slug", flat=True)
    )
    Official.objects.bulk_create(
        Official(
            slug=s.slug,
            name_ja=s.name_ja,
            name_en=s.name_en,
            other_names=s.other_names,
            country=countries[s.country],
            version=1,
        )
        for s in official_specs
        if s.slug not in existing
    )
    # Posts are rewritten every time (nothing points at a post), so the careers reach today.
    officials = dict(
        Official.objects.filter(slug__startswith=OFFICIAL_PREFIX).values_list("slug", "pk")
    )
    Post.objects.filter(official__slug__startswith=OFFICIAL_PREFIX).delete()
    Post.objects.bulk_create(
        Post(
            official_id=officials[spec.slug],
            title_ja=title_ja,
            title_en=title_en,
            organization=orgs.get(org),
            start_date=start,
            end_date=end,
        )
        for spec in official_specs
        for title_ja, title_en, org, start, end in spec.posts
    )

    posts = defaultdict(list)
    codes = {c.pk: code for code, c in countries.items()}
    orgs_by_pk = {o.pk: o for o in orgs.values()}
    rows = (
        Post.objects.filter(official__slug__startswith=OFFICIAL_PREFIX)
        .select_related("official")
        .order_by("official__slug", "start_date", "pk")
    )
    for post in rows:
        official = post.official
        posts[codes[official.country_id]].append(
            _PostInfo(
                official,
                official.pk,
                official.name_ja,
                official.name_en or official.name_ja,
                post.title_ja,
                post.title_en or post.title_ja,
                orgs_by_pk.get(post.organization_id),
                post.start_date,
                post.end_date,
                rank_of(post.title_en or ""),
            )
        )
    for code_posts in posts.values():
        code_posts.sort(key=lambda p: p.rank)
    partners = [p for p in PARTNERS if posts.get(p.code)]
    return _Pool(countries, orgs, posts, partners, [p.weight for p in partners])


# ---------------------------------------------------------------------------------------------
# Photos


def _stand_in_jpeg(number, size):
    hue = (number * 37) % 360
    sky = _hsv(hue, 0.35, 0.95)
    ground = _hsv((hue + 40) % 360, 0.55, 0.45)
    image = Image.composite(
        Image.new("RGB", size, ground),
        Image.new("RGB", size, sky),
        Image.linear_gradient("L").resize(size),
    )
    draw = ImageDraw.Draw(image)
    w, h = size
    rng = random.Random(number)
    ridge = [(0, h)] + [(x, int(h * (0.45 + 0.25 * rng.random()))) for x in range(0, w + 1, w // 8)]
    draw.polygon([*ridge, (w, h)], fill=_hsv((hue + 200) % 360, 0.3, 0.35))
    r = min(w, h) // 10
    draw.ellipse((w * 0.72 - r, h * 0.22 - r, w * 0.72 + r, h * 0.22 + r), fill=(250, 240, 210))
    font = ImageFont.load_default(size=max(24, w // 24))
    draw.text(
        (w / 2, h * 0.85), f"Synthetic photo {number:02d}", font=font, fill="white", anchor="mm"
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def _hsv(hue, saturation, value):
    return tuple(int(c * 255) for c in colorsys.hsv_to_rgb(hue / 360, saturation, value))


PHOTO_SIZES = [(1600, 1067), (1600, 900), (1200, 1200), (1067, 1600)]


def ensure_photo_files():
    """A dozen stand-in JPEGs and their renditions in the media storage, written once;
    [(name, width, height, renditions)], the last as `Photo.renditions` records them."""
    files = []
    for number in range(1, PHOTO_COUNT + 1):
        width, height = PHOTO_SIZES[0] if number % 4 else PHOTO_SIZES[number // 4 % 4]
        name = f"{PHOTO_DIR}/photo-{number:02d}.jpg"
        if not default_storage.exists(name):
            saved = default_storage.save(name, ContentFile(_stand_in_jpeg(number, (width, height))))
            if saved != name:
                raise RuntimeError(f"The storage renamed {name} to {saved}.")
        made = _renditions_in_storage(name, width) or renditions.render(default_storage, name)
        files.append((name, width, height, made))
    return files


def _renditions_in_storage(name, width):
    """The record of the renditions an earlier run made of `name`, or None. The largest JPEG
    is written last, so its presence means the set is complete."""
    widths = renditions.widths_for(width)
    largest = renditions.rendition_name(name, widths[-1], "jpg")
    if not default_storage.exists(largest):
        return None
    return {"of": name, "widths": widths, "jpeg_bytes": default_storage.size(largest)}


# ---------------------------------------------------------------------------------------------
# Releases


class _Related:
    """A relation whose rows are in hand: `.all()` gives them, as a prefetched one would."""

    def __init__(self, rows):
        self.rows = rows

    def all(self):
        return self.rows


class _Prefetched:
    """An unsaved row seen with its relations, as `search.texts_of()` reads a prefetched one."""

    def __init__(self, obj, **relations):
        self._obj = obj
        for name, rows in relations.items():
            setattr(self, name, _Related(rows))

    def __getattr__(self, name):
        return getattr(self._obj, name)


@dataclass
class _AgreementInfo:
    obj: Agreement
    code: str
    signed_on: datetime.date
    counterpart: Organization
    view: "_Prefetched"


@dataclass
class Result:
    releases: int = 0
    rows: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def total_rows(self):
        return sum(self.rows.values())


def _next_index(model, prefix):
    last = (
        model.objects.filter(slug__startswith=prefix)
        .order_by("-slug")
        .values_list("slug", flat=True)
        .first()
    )
    if not last:
        return 1
    digits = last[len(prefix) : len(prefix) + 7]
    return int(digits) + 1 if digits.isdigit() else 1


class _Writer:
    """Builds a batch of releases and everything that hangs off them, then bulk-inserts it."""

    def __init__(self, pool, photos, rng, now, release_index, agreement_index):
        self.pool, self.photos, self.rng, self.now = pool, photos, rng, now
        self.release_index, self.agreement_index = release_index, agreement_index
        # The latest agreements of each country, which later releases may mention.
        self.agreements_by_country = defaultdict(lambda: deque(maxlen=50))
        self.issuer = pool.org("jp", "agency")
        self.first = now - datetime.timedelta(days=365 * YEARS)
        self.rows = Counter()
        self._reset()

    def _reset(self):
        self.releases, self.sections, self.contacts = [], [], []
        self.meetings, self.participants, self.photo_rows = [], [], []
        self.country_links, self.agreement_links = [], []
        self.agreements, self.parties, self.signatories = [], [], []

    # -- choices -------------------------------------------------------------------------------

    def _partner(self, exclude=()):
        while True:
            p = self.rng.choices(self.pool.partners, self.pool.weights)[0]
            if p.code not in exclude:
                return p

    def _published_at(self):
        # More releases in recent years than fifteen years ago.
        span = (self.now - self.first).total_seconds()
        moment = self.first + datetime.timedelta(seconds=span * self.rng.random() ** 0.8)
        day = timezone.localtime(moment).date()
        hour, minute = self.rng.choice(range(10, 18)), self.rng.choice((0, 0, 0, 30))
        local = datetime.datetime.combine(day, datetime.time(hour, minute))
        return timezone.make_aware(local)

    def _officials(self, code, day, k):
        holders = self.pool.holders(code, day)
        if not holders:
            return []
        k = min(k, len(holders))
        # Senior people lead; the others are drawn from everyone in office that day.
        first = holders[min(int(self.rng.random() ** 2 * len(holders)), len(holders) - 1)]
        others = self.rng.sample([h for h in holders if h.official_id != first.official_id], k - 1)
        chosen, seen = [], set()
        for h in [first, *others]:
            if h.official_id not in seen:
                seen.add(h.official_id)
                chosen.append(h)
        return chosen

    def _agency_rep(self, day):
        holders = [h for h in self.pool.holders("JP", day) if h.org == self.issuer]
        return holders[0] if holders and self.rng.random() < 0.7 else (holders or [None])[-1]

    # -- one release ---------------------------------------------------------------------------

    def add_release(self):
        rng = self.rng
        published_at = self._published_at()
        status = Release.Status.PUBLISHED
        withdrawn_at, reason = None, ("", "")
        roll = rng.random()
        if roll < 0.03:
            status = Release.Status.DRAFT
            if rng.random() < 0.5:
                published_at = None
        elif roll < 0.06:
            status = Release.Status.WITHDRAWN
            withdrawn_at = published_at + datetime.timedelta(days=rng.randint(1, 60))
            withdrawn_at = min(withdrawn_at, self.now)
            reason = rng.choice(WITHDRAWAL_REASONS)
        elif roll < 0.08:
            # Scheduled: published, its moment still to come.
            day = timezone.localdate(self.now) + datetime.timedelta(days=rng.randint(1, 45))
            published_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        day = timezone.localtime(published_at or self.now).date()

        story = rng.choices(
            ("meeting", "signing", "roundtable", "tour", "visit", "forum"), (35, 20, 12, 13, 8, 12)
        )[0]
        partner = self._partner()
        if story == "forum":
            event = rng.choice(EVENTS)
            partner = PARTNERS_BY_CODE[event[2]]
        mineral_key = rng.choice(partner.minerals)
        m_ja, m_en = MINERALS[mineral_key]

        index = self.release_index
        self.release_index += 1
        release = Release(
            slug=f"{RELEASE_PREFIX}{index:07d}-{partner.code.lower()}-{mineral_key}",
            status=status,
            published_at=published_at,
            withdrawn_at=withdrawn_at,
            withdrawal_reason_ja=reason[0],
            withdrawal_reason_en=reason[1],
            issuer=self.issuer,
            version=1,
        )

        # Meetings: the partner first; a tour adds up to three more countries of the region.
        stops = [partner]
        if story == "tour":
            region = [p for p in self.pool.partners if p.region == partner.region]
            others = [p for p in region if p is not partner]
            stops += rng.sample(others, min(len(others), rng.randint(1, 3)))
        elif rng.random() < 0.12:
            stops.append(partner)  # a second meeting in the same country
        last_day = day - datetime.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5)))
        meeting_days = [last_day]
        for _ in stops[1:]:
            meeting_days.insert(0, meeting_days[0] - datetime.timedelta(days=rng.randint(1, 3)))

        rep = self._agency_rep(last_day)
        meetings, countries = [], set()
        for order, (stop, meeting_day) in enumerate(zip(stops, meeting_days, strict=True), 1):
            meetings.append(
                self._meeting(
                    release,
                    story,
                    stop,
                    meeting_day,
                    order,
                    order == len(stops),
                    rep,
                    mineral_key,
                    event if story == "forum" else None,
                )
            )
            countries.add(stop.code)

        # Agreements: a signing announces a new one; some later releases mention an earlier one.
        agreement_texts, linked = [], []
        if story == "signing":
            agreement = self._agreement(partner, mineral_key, meeting_days[-1], meetings[-1])
            self.agreement_links.append(
                ReleaseAgreement(release=release, agreement=agreement.obj, role="announces")
            )
            linked.append(agreement.view)
            countries.add(partner.code)
        else:
            agreement = None
            earlier = [a for a in self.agreements_by_country[partner.code] if a.signed_on < day]
            if earlier and rng.random() < 0.35:
                mentioned = rng.choice(earlier[-5:])
                self.agreement_links.append(
                    ReleaseAgreement(release=release, agreement=mentioned.obj, role="mentions")
                )
                linked.append(mentioned.view)
                countries.add(mentioned.code)
                signed = mentioned.obj.signed_on
                agreement_texts.append(
                    (
                        f"本件は、{date_ja(signed) + 'に' if signed else ''}締結した"
                        f"{mentioned.obj.title_ja}に基づく協力の一環です。",
                        f"This is part of the cooperation under the {mentioned.obj.title_en}"
                        f"{', signed on ' + date_en(signed) if signed else ''}.",
                    )
                )
        countries = [self.pool.countries[code] for code in sorted(countries)]
        self.country_links += [
            Release.countries.through(release=release, country=country) for country in countries
        ]

        sections, department = self._texts(
            release,
            story,
            partner,
            stops,
            meetings,
            mineral_key,
            rep,
            agreement,
            agreement_texts,
            event if story == "forum" else None,
        )
        self._contacts(release, department)
        photos = self._photos(release, meetings)
        self.releases.append(release)
        # What refresh_search_text() would store, computed here rather than by a second write.
        release.search_title, release.search_text, release.search_grams = search_values(
            _Prefetched(
                release,
                countries=countries,
                sections=sections,
                meetings=[m.view for m in meetings],
                agreements=linked,
                photos=photos,
            )
        )

    def _meeting(self, release, story, partner, day, order, last, rep, mineral_key, event):
        rng = self.rng
        city_index = event[3] if event else rng.randrange(len(partner.cities))
        place = partner.cities[min(city_index, len(partner.cities) - 1)]
        kind = {
            "meeting": rng.choice((Meeting.Kind.BILATERAL, Meeting.Kind.COURTESY_CALL)),
            "signing": Meeting.Kind.SIGNING_CEREMONY,
            "roundtable": Meeting.Kind.ROUNDTABLE,
            "tour": Meeting.Kind.BILATERAL,
            "visit": Meeting.Kind.COURTESY_CALL,
            "forum": Meeting.Kind.FORUM_SESSION,
        }[story]
        if story == "visit":
            place = ("東京", "Tokyo")
        if story == "signing" and not last:
            kind = Meeting.Kind.BILATERAL  # talks before the signing
        people = self._officials(partner.code, day, rng.choice((1, 1, 2, 2, 3, 4)))
        lead = people[0] if people else None
        m_ja, m_en = MINERALS[mineral_key]
        if kind == Meeting.Kind.ROUNDTABLE:
            title = (
                f"日・{partner.short_ja}{m_ja}ラウンドテーブル",
                f"Japan–{partner.short_en.removeprefix('the ')} roundtable on {m_en}",
            )
        elif kind == Meeting.Kind.FORUM_SESSION:
            title = (f"{event[0]} {m_ja}セッション", f"{event[1]}: session on {m_en}")
        elif kind == Meeting.Kind.SIGNING_CEREMONY:
            title = (f"{m_ja}分野の協力文書署名式", f"Signing ceremony: cooperation in {m_en}")
        elif lead:
            title = (
                f"{lead.name_ja}{lead.title_ja}との会談",
                f"Meeting with {lead.title_en} {lead.name_en}",
            )
        else:
            title = (
                f"{partner.name_ja}政府関係者との会談",
                f"Meeting with officials of {partner.name_en}",
            )
        sentences = rng.sample(SENTENCES, 2)
        values = {
            "c_ja": partner.name_ja,
            "c_en": partner.name_en,
            "m_ja": m_ja,
            "m_en": m_en,
            "y": day.year - 1,
        }
        summary_ja = "".join(_fmt(s, **values)[0] for s in sentences)
        summary_en = " ".join(_fmt(s, **values)[1] for s in sentences)
        if lead:
            summary_ja = (
                f"{place[0]}において、{lead.name_ja}{lead.title_ja}と会談しました。" + summary_ja
            )
            summary_en = f"In {place[1]}, JOGMEC met {lead.title_en} {lead.name_en}. " + summary_en
        meeting = Meeting(
            release=release,
            date=day,
            kind=kind,
            country=self.pool.countries[partner.code],
            title_ja=title[0],
            title_en=title[1],
            place_ja=place[0],
            place_en=place[1],
            summary_ja=summary_ja,
            summary_en=summary_en,
            order=order,
        )
        self.meetings.append(meeting)
        attendees = list(people)
        if rep and kind in (Meeting.Kind.SIGNING_CEREMONY, Meeting.Kind.ROUNDTABLE):
            attendees.append(rep)
        participations = [
            MeetingParticipant(
                meeting=meeting,
                official=person.official,
                title_ja=person.title_ja,
                title_en=person.title_en,
                order=position,
                meeting_date=meeting.date,
            )
            for position, person in enumerate(attendees, 1)
        ]
        self.participants += participations
        # For the release's text and its search text:
        meeting.people = people
        meeting.view = _Prefetched(meeting, participations=participations)
        return meeting

    def _agreement(self, partner, mineral_key, day, meeting):
        rng = self.rng
        m_ja, m_en = MINERALS[mineral_key]
        counterpart = (
            self.pool.org(partner.code, "national-company")
            if rng.random() < 0.5
            else self.pool.org(partner.code, partner.ministries[0])
        ) or self.pool.org(partner.code, "government")
        org_ja, org_en = counterpart.name_ja, _the(counterpart.name_en)
        kind = rng.choices(("mou", "moc", "other"), (55, 25, 20))[0]
        title = {
            "mou": (
                f"{org_ja}との{m_ja}分野における協力に関する覚書",
                f"Memorandum of Understanding with {org_en} on cooperation in {m_en}",
            ),
            "moc": (
                f"{org_ja}との{m_ja}分野における協力覚書（MOC）",
                f"Memorandum of Cooperation with {org_en} in the field of {m_en}",
            ),
            "other": (
                f"{org_ja}との{m_ja}共同調査実施協定",
                f"Joint study agreement with {org_en} on {m_en}",
            ),
        }[kind]
        index = self.agreement_index
        self.agreement_index += 1
        agreement = Agreement(
            slug=f"{AGREEMENT_PREFIX}{index:07d}-{partner.code.lower()}-{kind}",
            kind=kind,
            title_ja=title[0],
            title_en=title[1],
            subject_ja=f"{m_ja}資源の探査、開発及び供給に関する情報交換、共同調査、"
            "人材育成等の協力について定めるもの。",
            subject_en=f"Sets out cooperation on information exchange, joint surveys and "
            f"capacity building for the exploration, development and supply of {m_en}.",
            country=self.pool.countries[partner.code],
            signed_on=day if rng.random() < 0.95 else None,
            version=1,
        )
        self.agreements.append(agreement)
        parties = [self.issuer, counterpart]
        if rng.random() < 0.25:
            key = rng.choice(JAPANESE_COMPANIES)[0]
            parties.append(self.pool.org("jp", key))
        for org in parties:
            self.parties.append(Agreement.parties.through(agreement=agreement, organization=org))
        signers = {p.official_id: p.official for p in meeting.people if p.org == counterpart}
        rep = self._agency_rep(day)
        if rep:
            signers[rep.official_id] = rep.official
        signers = sorted(signers.values(), key=lambda official: official.name_ja)
        for official in signers:
            self.signatories.append(
                Agreement.signatories.through(agreement=agreement, official=official)
            )
        view = _Prefetched(agreement, parties=parties, signatories=signers)
        info = _AgreementInfo(agreement, partner.code, day, counterpart, view)
        self.agreements_by_country[partner.code].append(info)
        return info

    def _texts(
        self,
        release,
        story,
        partner,
        stops,
        meetings,
        mineral_key,
        rep,
        agreement,
        agreement_texts,
        event,
    ):
        rng = self.rng
        m_ja, m_en = MINERALS[mineral_key]
        c_ja, c_en = partner.name_ja, partner.name_en
        c_short = partner.short_en
        lead = meetings[0].people[0] if meetings[0].people else None
        day = meetings[-1].date
        d_ja, d_en = date_ja(day), date_en(day)
        city_ja, city_en = meetings[-1].place_ja, meetings[-1].place_en
        rep_ja = f"{rep.title_ja}の{rep.name_ja}" if rep else "役員"
        rep_en = f"{rep.name_en}, {rep.title_en} of JOGMEC," if rep else "JOGMEC officials"
        who_ja = f"{lead.name_ja}{lead.title_ja}" if lead else "政府関係者"
        who_en = f"{lead.title_en} {lead.name_en}" if lead else "government officials"

        if story == "signing":
            obj, counterpart = agreement.obj, agreement.counterpart
            kind_ja = {"mou": "覚書", "moc": "協力覚書", "other": "共同調査実施協定"}[obj.kind]
            kind_en = {"mou": "an MOU", "moc": "an MOC", "other": "a joint study agreement"}
            title = (
                f"{counterpart.name_ja}と{m_ja}分野の{kind_ja}を締結",
                f"JOGMEC signs {kind_en[obj.kind]} on {m_en} with {_the(counterpart.name_en)}",
            )
            lead_text = (
                f"{AGENCY_FULL_JA}は、{d_ja}、{city_ja}において{counterpart.name_ja}との間で"
                f"「{obj.title_ja}」に署名しました。",
                f"On {d_en}, JOGMEC signed a {obj.title_en} in {city_en}.",
            )
        elif story == "tour":
            names_ja = "、".join(s.name_ja for s in stops)
            names_en = ", ".join(s.short_en for s in stops[:-1])
            names_en += f" and {stops[-1].short_en}"
            title = (
                f"{names_ja}を訪問し、{m_ja}分野の協力を協議",
                f"Visits to {names_en} to discuss cooperation in {m_en}",
            )
            lead_text = (
                f"{AGENCY_FULL_JA}の{rep_ja}は、{date_ja(meetings[0].date)}から{d_ja}にかけて"
                f"{names_ja}を訪問し、各国政府・企業の要人と{m_ja}分野の協力について協議しました。",
                f"From {date_en(meetings[0].date)} to {d_en}, {rep_en} visited {names_en} and "
                f"discussed cooperation in {m_en} with government and industry leaders.",
            )
        elif story == "roundtable":
            title = (
                f"{city_ja}で日・{partner.short_ja}{m_ja}ラウンドテーブルを開催",
                f"Japan–{c_short.removeprefix('the ')} roundtable on {m_en} held in {city_en}",
            )
            lead_text = (
                f"{AGENCY_FULL_JA}は、{d_ja}、{city_ja}において{c_ja}政府・企業関係者を招き、"
                f"{m_ja}分野のラウンドテーブルを開催しました。",
                f"On {d_en}, JOGMEC held a roundtable on {m_en} in {city_en} with government and "
                f"industry representatives of {c_en}.",
            )
        elif story == "forum":
            title = (
                f"{event[0]}に参加し、{m_ja}の安定供給について講演",
                f"JOGMEC speaks on secure {m_en} supply at {event[1]}",
            )
            lead_text = (
                f"{AGENCY_FULL_JA}は、{d_ja}、{city_ja}で開催された{event[0]}に参加し、"
                f"{m_ja}の安定供給に向けた JOGMEC の取組について講演しました。",
                f"On {d_en}, JOGMEC took part in {event[1]} in {city_en} and spoke about its "
                f"work for a secure supply of {m_en}.",
            )
        elif story == "visit":
            title = (f"{c_ja}の{who_ja}が来訪", f"{who_en} of {c_short} visits JOGMEC")
            lead_text = (
                f"{d_ja}、{c_ja}の{who_ja}が{AGENCY_FULL_JA}を訪問し、{rep_ja}と"
                f"{m_ja}分野の協力について意見交換を行いました。",
                f"On {d_en}, {who_en} of {c_en} visited JOGMEC in Tokyo and exchanged views with "
                f"{rep_en.rstrip(',')} on cooperation in {m_en}.",
            )
        else:
            title = rng.choice(
                [
                    (f"{c_ja}の{who_ja}と会談", f"Meeting with {who_en} of {c_short}"),
                    (
                        f"{c_ja}の{who_ja}と{m_ja}分野の協力について会談",
                        f"Talks with {who_en} of {c_short} on cooperation in {m_en}",
                    ),
                ]
            )
            lead_text = (
                f"{AGENCY_FULL_JA}の{rep_ja}は、{d_ja}、{city_ja}において{c_ja}の{who_ja}と"
                f"会談し、{m_ja}分野における協力について意見交換を行いました。",
                f"On {d_en}, {rep_en} met {who_en} of {c_en} in {city_en} and exchanged views on "
                f"cooperation in {m_en}.",
            )
        subtitle = ("", "")
        if rng.random() < 0.3:
            subtitle = (
                f"〜{m_ja}サプライチェーンの強靱化に向けて〜",
                f"Towards resilient {m_en} supply chains",
            )

        values = {"c_ja": c_ja, "c_en": c_en, "m_ja": m_ja, "m_en": m_en, "y": day.year - 1}
        sections = [
            (
                ("概要", "Outline"),
                "<ul>"
                + "".join(
                    f"<li>{m.date.month}月{m.date.day}日　{m.place_ja}：{m.title_ja}</li>"
                    for m in meetings
                )
                + "</ul>",
                "<ul>"
                + "".join(
                    f"<li>{date_en(m.date)}, {m.place_en}: {m.title_en}</li>" for m in meetings
                )
                + "</ul>",
            )
        ]
        for heading in rng.sample(HEADINGS, rng.randint(1, 3)):
            picked = [_fmt(s, **values) for s in rng.sample(SENTENCES, rng.randint(2, 4))]
            if heading == HEADINGS[0]:
                picked += agreement_texts
            split = max(1, len(picked) // 2)
            body_ja = _paragraphs(
                "".join(p[0] for p in picked[:split]), "".join(p[0] for p in picked[split:])
            )
            body_en = _paragraphs(
                " ".join(p[1] for p in picked[:split]), " ".join(p[1] for p in picked[split:])
            )
            sections.append((heading, body_ja, body_en))
        sections.append((("", ""), _paragraphs(CLOSING[0]), _paragraphs(CLOSING[1])))

        department = DEPARTMENTS[
            "oil-gas"
            if mineral_key in OIL_AND_GAS
            else "hydrogen"
            if mineral_key in NEW_FUELS
            else rng.choice(("metals", "metals", "exploration"))
        ]
        english = rng.random() >= 0.05  # some releases are not translated yet
        release.title_ja, release.subtitle_ja, release.lead_ja = title[0], subtitle[0], lead_text[0]
        release.department_ja = department[0]
        if english:
            release.title_en, release.subtitle_en, release.lead_en = (
                title[1],
                subtitle[1],
                lead_text[1],
            )
            release.department_en = department[1]
        rows = [
            Section(
                release=release,
                heading_ja=h_ja,
                heading_en=h_en if english else "",
                body_ja=b_ja,
                body_en=b_en if english else "",
                order=order,
            )
            for order, ((h_ja, h_en), b_ja, b_en) in enumerate(sections, 1)
        ]
        self.sections += rows
        return rows, department

    def _contacts(self, release, department):
        rng = self.rng
        surnames = rng.sample(_entries(JAPANESE_SURNAMES), 2)
        english = bool(release.title_en)
        rows = [
            (
                Contact.Role.INQUIRIES,
                department,
                ("、".join(s[0] for s in surnames), ", ".join(s[2] for s in surnames)),
            ),
        ]
        if rng.random() < 0.6:
            surname = rng.choice(_entries(JAPANESE_SURNAMES))
            rows.append((Contact.Role.PRESS, PRESS, (surname[0], surname[2])))
        for order, (role, (dept_ja, dept_en), (persons_ja, persons_en)) in enumerate(rows, 1):
            self.contacts.append(
                Contact(
                    release=release,
                    role=role,
                    department_ja=dept_ja,
                    department_en=dept_en if english else "",
                    persons_ja=persons_ja,
                    persons_en=persons_en if english else "",
                    # Numbers in a range no Japanese line uses; addresses in a reserved domain.
                    phone=f"03-0000-{rng.randint(1000, 9999)}",
                    email=f"{role}-{rng.randint(1, 40):02d}@example.org",
                    order=order,
                )
            )

    def _photos(self, release, meetings):
        rng = self.rng
        count = rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0]
        rows = []
        for order in range(1, count + 1):
            meeting = rng.choice(meetings)
            name, width, height, made = rng.choice(self.photos)
            credit = "JOGMEC" if rng.random() < 0.7 else "在外公館提供"
            rows.append(
                Photo(
                    release=release,
                    meeting=meeting if rng.random() < 0.8 else None,
                    image=name,
                    width=width,
                    height=height,
                    renditions=made,
                    caption_ja=f"{meeting.title_ja}の様子（{meeting.place_ja}）",
                    caption_en=f"{meeting.title_en} ({meeting.place_en})",
                    credit_ja=credit,
                    credit_en="JOGMEC" if credit == "JOGMEC" else "Embassy of Japan",
                    alt_text_ja=f"{meeting.place_ja}での{meeting.title_ja}に臨む出席者",
                    alt_text_en=f"Participants at the {meeting.title_en.lower()} in "
                    f"{meeting.place_en}",
                    order=order,
                )
            )
        self.photo_rows += rows
        return rows

    # -- writing -------------------------------------------------------------------------------

    def flush(self):
        def insert(model, objs):
            if objs:
                model.objects.bulk_create(objs)
                self.rows[model._meta.label] += len(objs)

        insert(Release, self.releases)
        insert(Agreement, self.agreements)
        insert(Section, self.sections)
        insert(Contact, self.contacts)
        insert(Meeting, self.meetings)
        insert(MeetingParticipant, self.participants)
        insert(Photo, self.photo_rows)
        insert(Release.countries.through, self.country_links)
        insert(ReleaseAgreement, self.agreement_links)
        insert(Agreement.parties.through, self.parties)
        insert(Agreement.signatories.through, self.signatories)
        refresh_signatures([agreement.pk for agreement in self.agreements])
        ids = [r.pk for r in self.releases]
        # Some synthetic releases are Japanese only, or have sections and contacts without
        # English: count them as the signals would (a write only for those).
        refresh_translation_status(ids)
        self._reset()
        return ids


def generate(count, seed=None, batch_size=BATCH_SIZE, progress=None):
    """Write `count` synthetic releases (see the module's docstring); return a `Result`."""
    started = time.perf_counter()
    today = timezone.localdate()
    # Everything is drawn relative to today's start, so a seed gives the same releases all day.
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    rng = random.Random(seed)
    with translation.override("ja"), transaction.atomic():
        pool = ensure_pool(today)
        photos = ensure_photo_files()
        writer = _Writer(
            pool,
            photos,
            rng,
            now,
            _next_index(Release, RELEASE_PREFIX),
            _next_index(Agreement, AGREEMENT_PREFIX),
        )
        ids = []
        for start in range(0, count, batch_size):
            for _ in range(min(batch_size, count - start)):
                writer.add_release()
            ids += writer.flush()
            # With DEBUG on, Django keeps the last 9,000 statements: megabytes each here.
            reset_queries()
            if progress:
                progress(len(ids))
    return Result(len(ids), writer.rows, time.perf_counter() - started)


def clear():
    """Delete the synthetic rows (see the module's docstring); return {model label: count}.

    Agreements, officials and organisations that real data still points at are kept.
    """
    deleted = Counter()

    def note(result):
        for label, n in result[1].items():
            deleted[label] += n

    with transaction.atomic():
        releases = Release.objects.filter(slug__startswith=SLUG_PREFIX)
        # Children first, each in one statement, so the cascade has nothing left to collect.
        for model in (MeetingParticipant,):
            note(model.objects.filter(meeting__release__in=releases).delete())
        for model in (Photo, Section, Contact, ReleaseAgreement, Meeting):
            note(model.objects.filter(release__in=releases).delete())
        note(Release.countries.through.objects.filter(release__in=releases).delete())
        note(releases.delete())

        links = ReleaseAgreement.objects.filter(agreement_id=OuterRef("pk"))
        agreements = Agreement.objects.filter(slug__startswith=SLUG_PREFIX).exclude(Exists(links))
        note(Agreement.parties.through.objects.filter(agreement__in=agreements).delete())
        note(Agreement.signatories.through.objects.filter(agreement__in=agreements).delete())
        note(Signature.objects.filter(agreement__in=agreements).delete())
        note(agreements.delete())

        kept_agreements = Agreement.objects.all()
        officials = Official.objects.filter(slug__startswith=SLUG_PREFIX).exclude(
            Q(Exists(MeetingParticipant.objects.filter(official_id=OuterRef("pk"))))
            | Q(Exists(kept_agreements.filter(signatories=OuterRef("pk"))))
        )
        note(Post.objects.filter(official__in=officials).delete())
        note(officials.delete())

        organisations = Organization.objects.filter(slug__startswith=SLUG_PREFIX).exclude(
            Q(Exists(Release.objects.filter(issuer_id=OuterRef("pk"))))
            | Q(Exists(Post.objects.filter(organization_id=OuterRef("pk"))))
            | Q(Exists(kept_agreements.filter(parties=OuterRef("pk"))))
            | Q(Exists(Organization.objects.filter(parent_id=OuterRef("pk"))))
        )
        note(organisations.delete())
    return {label: n for label, n in deleted.items() if n}
