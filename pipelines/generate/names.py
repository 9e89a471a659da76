"""Synthetic Chinese names and mobile numbers (no real people)."""

from __future__ import annotations

import random

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "魏", "吕", "丁", "任", "姚", "卢", "姜", "崔", "汪", "范", "金", "石", "贾", "夏", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "贺", "顾", "毛", "郝", "万", "严", "武", "柯", "屈", "党", "卫", "巩", "鲁"]
# The first ~20 surnames cover most people (a rough power law).
_SURNAME_WEIGHTS = [max(1.0, 30.0 / (i + 1)) for i in range(len(SURNAMES))]
_MALE_OLD = ["德", "福", "贵", "有", "才", "发", "明", "春", "生", "山", "全", "成", "荣", "海", "林", "顺", "忠", "振", "财", "文", "志", "国", "建", "军", "民", "平", "元", "安", "喜", "根"]
_FEMALE_OLD = ["秀", "兰", "英", "芳", "珍", "花", "凤", "琴", "桂", "菊", "梅", "莲", "翠", "霞", "云", "玉", "香", "娥", "巧", "爱", "彩", "素", "改", "粉", "叶", "草", "金", "银"]
_MALE_NEW = ["浩", "宇", "轩", "博", "文", "子", "涛", "杰", "鹏", "强", "磊", "伟", "超", "辉", "俊", "凯", "毅", "航", "晨", "阳", "斌", "飞", "龙", "鑫", "豪", "睿", "泽", "旭", "东", "健"]
_FEMALE_NEW = ["欣", "怡", "静", "婷", "悦", "琪", "雪", "丽", "娜", "佳", "瑶", "媛", "梦", "雨", "思", "晶", "蕾", "敏", "璐", "倩", "萌", "彤", "妍", "颖", "茜", "涵", "馨", "瑞", "月", "露"]
# Homophones a clerk types for a character (B2: the name differs from the registry's).
HOMOPHONES = {"军": "君", "明": "铭", "华": "化", "林": "琳", "英": "瑛", "芳": "方", "平": "萍", "国": "帼",
              "建": "健", "文": "雯", "春": "纯", "兰": "岚", "红": "宏", "志": "智", "海": "亥", "成": "诚",
              "强": "蔷", "静": "靖", "涛": "滔", "杰": "洁", "宇": "雨", "欣": "馨", "秀": "绣", "梅": "玫"}
_MOBILE_PREFIXES = ["134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159", "182", "183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181", "189", "177"]


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, sex: str, birth_year: int) -> str:
    pool = (_MALE_NEW if sex == "男" else _FEMALE_NEW) if birth_year >= 1985 else (
        _MALE_OLD if sex == "男" else _FEMALE_OLD)
    first = rng.choice(pool)
    return first if rng.random() < 0.25 else first + rng.choice(pool)


def full_name(rng: random.Random, sex: str, birth_year: int, family: str | None = None) -> str:
    return (family or surname(rng)) + given_name(rng, sex, birth_year)


def mobile(rng: random.Random) -> str:
    """A synthetic 11-digit mobile number."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def misspell(name: str, rng: random.Random) -> str:
    """The name as a clerk mistyped it: a homophone, a swapped given name, or a different character."""
    for i in range(len(name) - 1, 0, -1):
        if name[i] in HOMOPHONES:
            return name[:i] + HOMOPHONES[name[i]] + name[i + 1:]
    replacement = rng.choice([c for c in _MALE_NEW + _FEMALE_NEW if c != name[-1]])
    return name[:-1] + replacement
