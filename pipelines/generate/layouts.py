"""How each sender writes its sheets: header spellings (first = usual), code spellings, titles."""

from __future__ import annotations

import random

from pipelines.generate.model import Period
from pipelines.generate.records import Cell

H = list[tuple[str, tuple[str, ...]]]
HEADERS: dict[str, H] = {
    "registry_household": [
        ("county_name", ("县（市、区）",)), ("township_name", ("乡（镇）",)), ("village_name", ("行政村",)),
        ("group_name", ("自然村（组）",)), ("household_id", ("户编号",)), ("head_name", ("户主姓名",)),
        ("head_id_number", ("户主证件号码",)), ("household_size", ("家庭人口数",)),
        ("poverty_attribute", ("贫困户属性",)), ("identification_standard", ("识别标准",)),
        ("main_poverty_cause", ("主要致贫原因",)), ("poverty_status", ("脱贫属性",)),
        ("planned_exit_year", ("计划脱贫年度",)), ("exit_year", ("脱贫年度",)),
        ("first_identified_date", ("首次识别时间",)), ("is_relocation_household", ("是否易地搬迁户",)),
        ("income_per_capita", ("年人均纯收入（元）",)), ("is_dangerous_house", ("是否危房户",)),
        ("water_safe", ("饮水是否安全",)), ("has_power", ("是否通生活用电",)), ("phone", ("联系电话",))],
    "registry_person": [
        ("household_id", ("户编号",)), ("person_id", ("人编号",)), ("name", ("姓名",)), ("id_number", ("证件号码",)),
        ("sex", ("性别",)), ("relation_to_head", ("与户主关系",)), ("ethnicity", ("民族",)),
        ("education_level", ("文化程度",)), ("school_status", ("在校生状况",)), ("health_status", ("健康状况",)),
        ("labour_skill", ("劳动技能",)), ("work_status", ("务工状况",)), ("work_months", ("务工时间（月）",)),
        ("has_basic_medical", ("是否参加城乡居民基本医疗保险", "是否参加新农合")),
        ("has_serious_illness_insurance", ("是否参加大病保险",))],
    "industry": [
        ("county_name", ("县区", "县（区）", "区县")), ("township_name", ("镇办", "乡镇")), ("village_name", ("村", "行政村")),
        ("head_name", ("户主姓名", "户主")), ("head_id_number", ("户主身份证号", "户主证件号码", "身份证号码")),
        ("industry_types", ("产业类型", "扶持产业")), ("driving_mode", ("带动模式", "带动方式")),
        ("driving_entity", ("带动主体名称", "带动主体")),
        ("support_funds", ("扶持资金（元）", "扶持资金（万元）", "产业扶持资金（元）", "扶持资金（万元）")),
        ("operating_income", ("生产经营性收入（元）", "经营性收入（元）")),
        ("dividend_income", ("资产收益分红（元）", "分红收入"))],
    "employment": [
        ("name", ("姓名",)), ("id_number", ("身份证号", "身份证号码", "公民身份号码")), ("county_name", ("县区", "所属县区")),
        ("work_region", ("务工地域", "务工地点")), ("employer", ("务工单位", "就业单位")),
        ("work_months", ("务工月数", "务工时间（月）")), ("monthly_wage", ("月均工资（元）", "月均收入（元）")),
        ("is_welfare_post", ("是否公益性岗位",)), ("welfare_post_type", ("公益性岗位类型", "岗位类型")),
        ("employment_registration_date", ("就业登记日期", "登记日期"))],
    "relocation": [
        ("county_name", ("县区", "迁出县区")), ("household_id", ("户编号", "建档立卡户编号")), ("head_name", ("户主姓名",)),
        ("head_id_number", ("户主身份证号", "户主证件号码", "身份证号")), ("relocated_people", ("搬迁人数", "搬迁人口（人）")),
        ("site_name", ("安置点名称", "安置点")), ("placement_mode", ("安置方式",)),
        ("house_completed_date", ("房屋竣工日期", "竣工日期")), ("facilities_complete", ("配套设施是否完成",)),
        ("keys_handed_date", ("交钥匙日期", "交房日期")), ("moved_in_date", ("入住日期", "实际入住日期")),
        ("old_house_demolished", ("旧房是否拆除", "旧房拆除情况"))],
    "ecology": [
        ("name", ("姓名",)), ("id_number", ("身份证号", "身份证号码")), ("is_forest_ranger", ("是否生态护林员", "生态护林员")),
        ("ranger_annual_pay", ("护林员年报酬（元）", "护林员劳务报酬（元）")),
        ("grain_for_green_area", ("退耕还林面积（亩）", "退耕面积（亩）")),
        ("grain_for_green_subsidy", ("退耕还林补助（元）", "退耕补助（元）")),
        ("eco_compensation", ("生态效益补偿（元）", "公益林补偿（元）"))],
    "education": [
        ("school_name", ("学校名称", "就读学校")), ("name", ("学生姓名", "姓名")),
        ("id_number", ("学生身份证号", "身份证号", "证件号码")), ("school_stage", ("学段", "就读学段")), ("grade", ("年级",)),
        ("enrolment_status", ("就读状态", "在校状态")), ("aid_programme", ("资助项目", "享受资助项目")),
        ("aid_amount", ("资助金额（元）", "资助资金（元）")), ("guardian_name", ("监护人姓名", "家长姓名")),
        ("guardian_id_number", ("监护人身份证号", "监护人身份证号码"))],
    "health": [
        ("name", ("姓名", "参保人姓名")), ("id_number", ("身份证号", "身份证号码", "公民身份号码")),
        ("basic_medical_insurance", ("城乡居民基本医疗保险", "基本医疗保险")),
        ("serious_illness_insurance", ("大病保险", "城乡居民大病保险")),
        ("family_doctor_signed", ("家庭医生签约", "是否家庭医生签约")), ("disease_category", ("病种类别", "疾病类别")),
        ("inpatient_reimbursement", ("年度住院报销金额（元）", "住院报销金额（元）"))],
    "social_security": [
        ("name", ("姓名",)), ("id_number", ("身份证号", "身份证号码")), ("assistance_type", ("保障类别", "救助类别")),
        ("assistance_start_date", ("保障开始日期", "纳入保障日期")), ("monthly_amount", ("月保障金额（元）", "月救助金额（元）")),
        ("is_deceased", ("是否死亡注销",)), ("death_date", ("死亡日期",))],
    "housing": [
        ("county_name", ("县区",)), ("township_name", ("镇办", "乡镇")), ("village_name", ("村", "行政村")),
        ("head_name", ("户主姓名", "户主")), ("head_id_number", ("户主身份证号", "户主证件号码")),
        ("house_grade", ("房屋鉴定等级", "危房等级")), ("renovation_mode", ("改造方式", "改造类型")),
        ("works_start_date", ("开工日期",)), ("acceptance_date", ("竣工验收日期", "验收日期")),
        ("subsidy_amount", ("补助金额（元）", "补助资金（元）")), ("subsidy_paid_date", ("补助兑付日期", "资金兑付日期"))],
    "infra_village": [
        ("county_name", ("县区",)), ("township_name", ("镇办", "乡镇")), ("village_name", ("行政村",)),
        ("village_code", ("村代码", "行政村代码")), ("has_paved_road", ("是否通沥青（水泥）路",)),
        ("natural_villages_30plus", ("30户以上自然村数", "３０户以上自然村数")),
        ("natural_villages_30plus_with_road", ("30户以上自然村已通组道路数",)),
        ("farm_households", ("农户总数", "农户总数（户）")), ("registered_population", ("户籍人口数", "户籍人口数（人）")),
        ("households_with_power", ("通生活用电户数",)), ("households_with_tap_water", ("自来水入户户数",)),
        ("has_standard_clinic", ("是否有标准化村卫生室",))],
    "infra_household": [
        ("head_name", ("户主姓名",)), ("head_id_number", ("户主身份证号", "户主证件号码")), ("village_name", ("行政村", "村")),
        ("drinking_water_safety", ("饮水安全", "饮水安全状况")), ("water_supply_mode", ("供水方式",)),
        ("has_power", ("通生活用电", "是否通生活用电"))],
    "screening": [
        ("name", ("姓名",)), ("id_number", ("身份证号", "身份证号码")), ("finding_category", ("比对类别", "疑点类别")),
        ("finding_source", ("比对来源", "数据来源")), ("finding_detail", ("比对明细", "疑点明细")),
        ("registration_date", ("登记日期", "比对日期"))],
}
# Other spellings of a canonical code (numbers, legacy labels, short forms), all in the specs.
CODE_ALTS: dict[str, dict[str, tuple[str | int, ...]]] = {
    "poverty_attribute": {"一般贫困户": (1,), "低保贫困户": (2, "低保户"), "特困供养贫困户": (3, "五保户")},
    "poverty_status": {"未脱贫": (0,), "已脱贫": (1,), "预脱贫": (2,), "返贫": (3,)},
    "driving_mode": {"龙头企业带动": (1, "龙头企业"), "合作社带动": (2, "合作社"), "能人大户带动": (3, "能人大户"),
                     "自主创业": (4, "自主发展")},
    "work_region": {"县内": (1,), "县外省内": (2, "县外"), "省外": (3, "外省")},
    "placement_mode": {"集中安置": (1, "集中"), "分散安置": (2, "分散")},
    "basic_medical_insurance": {"已参保": ("是",), "未参保": ("否",)},
    "serious_illness_insurance": {"已参保": ("是",), "未参保": ("否",)},
    "assistance_type": {"农村低保": (1, "低保"), "特困供养": (2, "五保供养"), "临时救助": (3,), "残疾人两项补贴": (4, "两项补贴")},
    "house_grade": {"A级": ("A", "a"), "B级": ("B", "b"), "C级": ("C", "c"), "D级": ("D", "d")},
    "drinking_water_safety": {"达标": (1, "安全"), "基本达标": (2, "基本安全"), "不达标": (3, "不安全")},
    "water_supply_mode": {"集中供水": ("集中",), "分散供水": ("分散",)},
    "industry_types": {"种植": ("种植业",), "养殖": ("养殖业",)},
    "disease_category": {"慢性病": ("慢病",)},
}
YES_WORDS = {"facilities_complete": ("已完成", "未完成"), "old_house_demolished": ("已拆除", "未拆除")}
SUBJECTS = {
    "industry": "产业扶持到户明细统计表", "employment": "贫困劳动力转移就业台账", "relocation": "易地扶贫搬迁安置情况统计表",
    "ecology": "生态护林员及退耕还林补助名册", "education": "建档立卡家庭学生资助名册", "health": "建档立卡贫困人口参保及签约情况表",
    "social_security": "农村低保特困供养及残疾人补贴名册", "housing": "农村危房改造台账", "screening": "扶贫对象数据比对疑点名单",
    "infrastructure": "贫困村基础设施和农户饮水用电情况表", "registry": "建档立卡贫困户信息"}
_SIGNERS = ("王丽", "张强", "李娟", "刘伟", "陈静", "杨帆", "赵敏", "周涛")
_UNITS = {"industry": "农业农村局", "employment": "人力资源和社会保障局", "relocation": "移民（脱贫）搬迁工作办公室",
          "ecology": "林业局", "education": "教育局", "health": "卫生健康局", "social_security": "民政局",
          "housing": "住房和城乡建设局", "screening": "扶贫开发办公室", "infrastructure": "水利局"}


def pick_headers(table: str, rng: random.Random, usual: float = 0.6) -> list[tuple[str, str]]:
    """One spelling per column: the usual one mostly, another sometimes."""
    return [(col, spellings[0] if rng.random() < usual or len(spellings) == 1 else rng.choice(spellings[1:]))
            for col, spellings in HEADERS[table]]


def titles(office: str, period: Period, place: str, n: int, rng: random.Random) -> list[str]:
    """`n` title lines: the title (with the month), then a unit line, then an export-time line."""
    y, m = period.next_month
    lines = [f"商洛市{place}{period.cn}{SUBJECTS[office]}",
             f"填报单位：{place or '商洛市'}{_UNITS.get(office, '扶贫开发办公室')}（盖章）    单位：元、人、户",
             f"导出时间：{y}-{m:02d}-{rng.randint(1, 4):02d} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"]
    if n == 2 and rng.random() < 0.5:
        return [lines[0], lines[2]]
    return lines[:n]


def footers(n_cols: int, rng: random.Random, count: int, money: dict[int, float]) -> list[list[Cell]]:
    """Lines below the data: a 合计 row, signatures, a note (some of them)."""
    rows: list[list[Cell]] = []
    if rng.random() < 0.5:
        total: list[Cell] = [None] * n_cols
        total[0] = "合计"
        total[1] = f"共{count}条"
        for i, value in money.items():
            total[i] = round(value, 2)
        rows.append(total)
    if rng.random() < 0.6:
        rows.append([f"填表人：{rng.choice(_SIGNERS)}", None, f"审核人：{rng.choice(_SIGNERS)}"])
    if rng.random() < 0.3:
        rows.append(["注：1.本表由各镇（办）汇总填报；2.身份证号码须为18位。"])
    return rows
