"""The place gazetteer: Shangluo's 7 counties, their townships, and generated villages."""

from __future__ import annotations

import csv
import io
import math
import random

from pipelines.generate.model import County, Township, Village

COUNTIES = (
    County("611002", "商州区", "商州", ("612501", "612521")),
    County("611021", "洛南县", "洛南", ("612522",)),
    County("611022", "丹凤县", "丹凤", ("612523",)),
    County("611023", "商南县", "商南", ("612524",)),
    County("611024", "山阳县", "山阳", ("612525",)),
    County("611025", "镇安县", "镇安", ("612526",)),
    County("611026", "柞水县", "柞水", ("612527",)),
)
# 2023 村委会 counts: the weights households and villages are spread by.
VILLAGE_WEIGHTS = {"611002": 237, "611021": 204, "611022": 132, "611023": 104, "611024": 198,
                   "611025": 139, "611026": 65}
TOWNSHIPS = {
    "611002": "城关街道 大赵峪街道 陈塬街道 刘湾街道 夜村镇 沙河子镇 杨峪河镇 金陵寺镇 黑龙口镇 麻街镇 "
              "牧护关镇 大荆镇 腰市镇 板桥镇 北宽坪镇 三岔河镇 闫村镇 杨斜镇",
    "611021": "城关街道 四皓街道 景村镇 古城镇 三要镇 灵口镇 寺耳镇 巡检镇 石坡镇 石门镇 麻坪镇 洛源镇 "
              "保安镇 永丰镇 卫东镇 高耀镇",
    "611022": "龙驹寨街道 庾岭镇 蔡川镇 峦庄镇 铁峪铺镇 武关镇 竹林关镇 土门镇 寺坪镇 商镇 棣花镇 花瓶镇",
    "611023": "城关街道 富水镇 湘河镇 赵川镇 金丝峡镇 过风楼镇 试马镇 清油河镇 十里坪镇 青山镇",
    "611024": "城关街道 十里铺街道 高坝店镇 天竺山镇 中村镇 银花镇 西照川镇 漫川关镇 南宽坪镇 户垣镇 "
              "杨地镇 小河口镇 色河铺镇 板岩镇 延坪镇 两岭镇 王闫镇 法官镇",
    "611025": "永乐街道 回龙镇 铁厂镇 大坪镇 米粮镇 茅坪回族镇 西口回族镇 高峰镇 青铜关镇 柴坪镇 达仁镇 "
              "木王镇 云盖寺镇 庙沟镇 月河镇",
    "611026": "乾佑街道 营盘镇 下梁镇 石瓮镇 杏坪镇 凤凰镇 红岩寺镇 曹坪镇 瓦房口镇",
}
_FIRST = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "罗", "梁", "谢", "宋", "唐", "韩", "冯", "邓", "曹", "彭", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "程", "魏", "吕", "丁", "任", "姚", "卢", "姜", "崔", "汪", "范", "金", "石", "贾", "夏", "付", "方", "白", "孟", "秦", "江", "薛", "闫", "段", "雷", "侯", "龙", "史", "贺", "毛", "郝", "万", "严", "武", "东", "西", "南", "北", "上", "下", "前", "后", "新", "红", "黄", "青", "龙", "凤", "桃", "柳", "松", "金", "银", "双", "三", "五", "八", "九", "花", "竹", "梨", "枣", "茶", "桑", "松", "柏", "太", "平", "和", "安", "丰", "兴", "永", "富", "铁", "中", "大", "小", "长", "高"]
_SUFFIX = ["庄", "湾", "坪", "沟", "岭", "河", "院", "塬", "坡", "川", "峪", "店", "营", "寨", "铺", "垭", "台", "岔", "坝", "园", "家沟", "家湾", "家坪", "家河", "家庄", "家岭", "家山", "家寨", "峡", "关", "口", "湖", "原", "山", "阳", "泉", "林"]
# Village codes run 200-399 in a township: a county gets at most this many villages per township, so
# that the random spread over its townships stays under 200 (only worlds of 600,000+ households).
VILLAGES_PER_TOWNSHIP = 150
# Names a C8 defect may use: never generated as a real village.
UNKNOWN_VILLAGE_NAMES = ("东风村", "红旗村", "胜利村", "新民村", "团结村", "前进村", "光明村", "和平村")


def township_codes(county: County) -> list[Township]:
    """Every township of a county with its code: 街道 001.., 镇 100.., 乡 200.."""
    result: list[Township] = []
    counters = {"街道": 1, "镇": 100, "乡": 200}
    for name in TOWNSHIPS[county.code].split():
        kind = "街道" if name.endswith("街道") else "乡" if name.endswith("乡") else "镇"
        result.append(Township(f"{county.code}{counters[kind]:03d}", name, county))
        counters[kind] += 1
    return result


def _villages_per_county(total: int) -> dict[str, int]:
    weight_sum = sum(VILLAGE_WEIGHTS.values())
    return {c: max(2, round(total * w / weight_sum)) for c, w in VILLAGE_WEIGHTS.items()}


def _village_name(rng: random.Random, taken: set[str]) -> str:
    for _ in range(200):
        name = rng.choice(_FIRST) + rng.choice(_SUFFIX) + "村"
        if name not in taken and name not in UNKNOWN_VILLAGE_NAMES:
            taken.add(name)
            return name
    raise RuntimeError("ran out of village names")


def _spread(n: int, parts: int, rng: random.Random) -> list[int]:
    """n items over `parts` bins, at least 2 each (n >= 2 * parts)."""
    counts = [2] * parts
    for _ in range(n - 2 * parts):
        counts[rng.randrange(parts)] += 1
    return counts


def build_villages(households: int, rng: random.Random) -> list[Village]:
    """Enough villages for `households` registered households (about one per 50, more per village when a
    county's townships run out of village codes)."""
    total = max(14, math.ceil(households / 50))
    villages: list[Village] = []
    for county in COUNTIES:
        towns = township_codes(county)
        n = min(_villages_per_county(total)[county.code], VILLAGES_PER_TOWNSHIP * len(towns))
        k = min(len(towns), max(1, n // 2))
        chosen = sorted(rng.sample(towns, k), key=lambda t: t.code)
        taken: set[str] = set()
        for town, count in zip(chosen, _spread(max(n, 2 * k), k, rng), strict=True):
            seq = 199
            for _ in range(count):
                seq += rng.choice((1, 1, 1, 2, 3)) if count <= 60 and seq > 199 else 1
                if seq > 399:
                    raise ValueError(f"too many villages for township {town.name}")
                villages.append(Village(f"{town.code}{seq:03d}", _village_name(rng, taken), town))
    return villages


def places_csv(villages: list[Village]) -> bytes:
    """reference/places.csv: UTF-8, exactly the gazetteer columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["county_code", "county_name", "township_code", "township_name", "village_code",
                     "village_name"])
    for v in villages:
        t = v.township
        writer.writerow([t.county.code, t.county.name, t.code, t.name, v.code, v.name])
    return out.getvalue().encode("utf-8")
