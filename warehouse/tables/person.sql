-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS person (
    person_id VARCHAR,
    household_id VARCHAR,
    county_code VARCHAR,
    township_code VARCHAR,
    village_code VARCHAR,
    name VARCHAR,
    id_masked VARCHAR,
    id_pseudonym VARCHAR,
    sex VARCHAR,
    age BIGINT,
    relation_to_head VARCHAR,
    ethnicity VARCHAR,
    education_level VARCHAR,
    school_status VARCHAR,
    health_status VARCHAR[],
    labour_skill VARCHAR,
    work_status VARCHAR,
    work_months BIGINT,
    has_basic_medical BOOLEAN,
    has_serious_illness_insurance BOOLEAN,
    basic_medical_insurance VARCHAR,
    serious_illness_insurance VARCHAR,
    insured_both BOOLEAN,
    insurance_source VARCHAR,
    family_doctor_signed BOOLEAN,
    disease_category VARCHAR,
    school_name VARCHAR,
    school_stage VARCHAR,
    enrolment_status VARCHAR,
    aid_amount DOUBLE,
    education_source VARCHAR,
    work_region VARCHAR,
    employer VARCHAR,
    monthly_wage DOUBLE,
    is_welfare_post BOOLEAN,
    welfare_post_type VARCHAR,
    ranger_wage_excluded BOOLEAN,
    income_wages DOUBLE,
    income_wages_source VARCHAR,
    is_forest_ranger BOOLEAN,
    ranger_annual_pay DOUBLE,
    income_eco DOUBLE,
    income_eco_source VARCHAR,
    assistance_types VARCHAR[],
    is_deceased BOOLEAN,
    death_date DATE,
    income_transfers DOUBLE,
    income_transfers_source VARCHAR,
    screening_categories VARCHAR[],
    screening_source VARCHAR,
    load_id VARCHAR,
    office VARCHAR,
    file_hash VARCHAR,
    file_name VARCHAR,
    sheet VARCHAR,
    row BIGINT,
    row_uid VARCHAR,
    month VARCHAR
);
COMMENT ON TABLE person IS '成员表：每个建档立卡人员一行 (one row per registered member)';
COMMENT ON COLUMN person.person_id IS '人编号: Registry person number.';
COMMENT ON COLUMN person.household_id IS '户编号: Registry household number (a registry number, not personal data).';
COMMENT ON COLUMN person.county_code IS '县代码: 6-digit county code (GB/T 2260) from the place gazetteer; 999999 when the county is unknown.';
COMMENT ON COLUMN person.township_code IS '乡镇代码: 9-digit township code from the gazetteer; <county_code>999 when the township is unknown (C8).';
COMMENT ON COLUMN person.village_code IS '村代码: 12-digit statistical village code.';
COMMENT ON COLUMN person.name IS '姓名: Person''s name.';
COMMENT ON COLUMN person.id_masked IS '身份证号（脱敏）: ID number masked for display (first 4 and last 4 characters).';
COMMENT ON COLUMN person.id_pseudonym IS '身份证号假名: Keyed pseudonym of the ID number (HMAC-SHA256, letters only): stable across tables and versions, for joins.';
COMMENT ON COLUMN person.sex IS '性别: Sex.';
COMMENT ON COLUMN person.age IS '年龄（岁）: Completed years at the as-of date, from the ID number''s birth date.';
COMMENT ON COLUMN person.relation_to_head IS '与户主关系: Relation to the household head.';
COMMENT ON COLUMN person.ethnicity IS '民族: Ethnicity.';
COMMENT ON COLUMN person.education_level IS '文化程度: Education level.';
COMMENT ON COLUMN person.school_status IS '在校生状况: Schooling status.';
COMMENT ON COLUMN person.health_status IS '健康状况: Health conditions (several at once).';
COMMENT ON COLUMN person.labour_skill IS '劳动技能: Labour capacity.';
COMMENT ON COLUMN person.work_status IS '务工状况: Migrant-work status.';
COMMENT ON COLUMN person.work_months IS '务工时间（月）: Months worked in the year (0-12).';
COMMENT ON COLUMN person.has_basic_medical IS '是否参加城乡居民基本医疗保险: Registry: in basic medical insurance.';
COMMENT ON COLUMN person.has_serious_illness_insurance IS '是否参加大病保险: Registry: in serious-illness insurance.';
COMMENT ON COLUMN person.basic_medical_insurance IS '城乡居民基本医疗保险: Basic medical insurance status.';
COMMENT ON COLUMN person.serious_illness_insurance IS '大病保险: Serious-illness insurance status.';
COMMENT ON COLUMN person.insured_both IS '是否双参保: In both basic medical and serious-illness insurance; empty when unknown.';
COMMENT ON COLUMN person.insurance_source IS '参保数据来源: Senders of the insurance values used: health, registry (fallback for the exhaustive health sender), comma-separated.';
COMMENT ON COLUMN person.family_doctor_signed IS '家庭医生签约: Signed with a family doctor.';
COMMENT ON COLUMN person.disease_category IS '病种类别: Disease category.';
COMMENT ON COLUMN person.school_name IS '学校名称: School.';
COMMENT ON COLUMN person.school_stage IS '学段: School stage.';
COMMENT ON COLUMN person.enrolment_status IS '就读状态: Enrolment status.';
COMMENT ON COLUMN person.aid_amount IS '资助金额（元）: Student aid amount (not income).';
COMMENT ON COLUMN person.education_source IS '教育数据来源: Sender of the education rows used.';
COMMENT ON COLUMN person.work_region IS '务工地域: Where the person works.';
COMMENT ON COLUMN person.employer IS '务工单位: Employer.';
COMMENT ON COLUMN person.monthly_wage IS '月均工资（元）: Average monthly wage.';
COMMENT ON COLUMN person.is_welfare_post IS '是否公益性岗位: Holds a public-welfare post.';
COMMENT ON COLUMN person.welfare_post_type IS '公益性岗位类型: Public-welfare post type.';
COMMENT ON COLUMN person.ranger_wage_excluded IS '护林员工资不计入: An employment 护林员 post''s wage was left out of wages because ecology reports 护林员年报酬 for the person (no double count).';
COMMENT ON COLUMN person.income_wages IS '工资性收入（元）: Sum of 月均工资 x 务工月数 (public-welfare posts included, 护林员 posts left out when ecology pays them).';
COMMENT ON COLUMN person.income_wages_source IS '工资性收入来源: Sender of the employment rows used.';
COMMENT ON COLUMN person.is_forest_ranger IS '是否生态护林员: Is an ecological forest ranger.';
COMMENT ON COLUMN person.ranger_annual_pay IS '护林员年报酬（元）: Forest-ranger annual pay.';
COMMENT ON COLUMN person.income_eco IS '生态补偿收入（元）: 护林员年报酬 + 退耕还林补助 + 生态效益补偿.';
COMMENT ON COLUMN person.income_eco_source IS '生态补偿收入来源: Sender of the ecology rows used.';
COMMENT ON COLUMN person.assistance_types IS '享受保障类别: Assistance types the social-security sender reports.';
COMMENT ON COLUMN person.is_deceased IS '是否死亡注销: Deregistered as deceased.';
COMMENT ON COLUMN person.death_date IS '死亡日期: Date of death.';
COMMENT ON COLUMN person.income_transfers IS '转移性收入（元）: 月保障金额 x 12 for 农村低保, 特困供养, 残疾人两项补贴; 临时救助 counted once.';
COMMENT ON COLUMN person.income_transfers_source IS '转移性收入来源: Sender of the social-security rows used (also for assistance types and deaths).';
COMMENT ON COLUMN person.screening_categories IS '比对发现类别: Screening findings (死亡, 财政供养人员, 车辆, ...) on the household''s members.';
COMMENT ON COLUMN person.screening_source IS '比对数据来源: Sender of the screening rows used.';
COMMENT ON COLUMN person.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN person.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN person.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN person.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN person.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN person.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN person.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN person.month IS '报送月份: Reporting month of the file (YYYY-MM).';
