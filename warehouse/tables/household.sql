-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS household (
    household_id VARCHAR,
    county_code VARCHAR,
    township_code VARCHAR,
    village_code VARCHAR,
    gazetteer_county_name VARCHAR,
    gazetteer_township_name VARCHAR,
    gazetteer_village_name VARCHAR,
    place_match VARCHAR,
    is_unknown_village BOOLEAN,
    county_name VARCHAR,
    township_name VARCHAR,
    village_name VARCHAR,
    group_name VARCHAR,
    head_name VARCHAR,
    head_id_masked VARCHAR,
    head_id_pseudonym VARCHAR,
    phone_masked VARCHAR,
    phone_pseudonym VARCHAR,
    household_size BIGINT,
    member_count BIGINT,
    poverty_attribute VARCHAR,
    identification_standard VARCHAR,
    main_poverty_cause VARCHAR,
    poverty_status VARCHAR,
    planned_exit_year BIGINT,
    exit_year BIGINT,
    first_identified_date DATE,
    is_new BOOLEAN,
    is_relocation_household BOOLEAN,
    income_per_capita DOUBLE,
    income_line DOUBLE,
    housing_reported BOOLEAN,
    house_grade VARCHAR,
    renovation_mode VARCHAR,
    acceptance_date DATE,
    subsidy_amount DOUBLE,
    subsidy_paid_date DATE,
    is_dangerous_house BOOLEAN,
    housing_source VARCHAR,
    site_name VARCHAR,
    placement_mode VARCHAR,
    house_completed_date DATE,
    facilities_complete BOOLEAN,
    keys_handed_date DATE,
    moved_in_date DATE,
    old_house_demolished BOOLEAN,
    relocation_source VARCHAR,
    drinking_water_safety VARCHAR,
    drinking_water_safety_source VARCHAR,
    has_power BOOLEAN,
    has_power_source VARCHAR,
    industry_types VARCHAR[],
    driving_mode VARCHAR,
    driving_entity VARCHAR,
    support_funds DOUBLE,
    industry_source VARCHAR,
    students BIGINT,
    dropouts_6_15 BIGINT,
    education_source VARCHAR,
    members_insured BIGINT,
    members_uninsured BIGINT,
    members_insurance_unknown BIGINT,
    insurance_source VARCHAR,
    assistance_types VARCHAR[],
    deceased_members BIGINT,
    screening_categories VARCHAR[],
    screening_source VARCHAR,
    forest_rangers BIGINT,
    workers BIGINT,
    income_wages DOUBLE,
    income_wages_source VARCHAR,
    income_operating DOUBLE,
    income_operating_source VARCHAR,
    income_dividends DOUBLE,
    income_dividends_source VARCHAR,
    income_transfers DOUBLE,
    income_transfers_source VARCHAR,
    income_eco DOUBLE,
    income_eco_source VARCHAR,
    income_total DOUBLE,
    income_per_capita_sectors DOUBLE,
    exit_income VARCHAR,
    exit_housing VARCHAR,
    exit_education VARCHAR,
    exit_insurance VARCHAR,
    exit_water VARCHAR,
    exit_ready BOOLEAN,
    exit_failed_tests VARCHAR[],
    load_id VARCHAR,
    office VARCHAR,
    file_hash VARCHAR,
    file_name VARCHAR,
    sheet VARCHAR,
    row BIGINT,
    row_uid VARCHAR,
    month VARCHAR
);
COMMENT ON TABLE household IS '一张表：每个建档立卡户一行，当前状态，各行业指标汇聚于此 (one row per registered household, every sector''s indicators converged)';
COMMENT ON COLUMN household.household_id IS '户编号: Registry household number (a registry number, not personal data).';
COMMENT ON COLUMN household.county_code IS '县代码: 6-digit county code (GB/T 2260) from the place gazetteer; 999999 when the county is unknown.';
COMMENT ON COLUMN household.township_code IS '乡镇代码: 9-digit township code from the gazetteer; <county_code>999 when the township is unknown (C8).';
COMMENT ON COLUMN household.village_code IS '村代码: 12-digit statistical village code.';
COMMENT ON COLUMN household.gazetteer_county_name IS '县(市、区)（区划名称）: County name from the place gazetteer.';
COMMENT ON COLUMN household.gazetteer_township_name IS '乡(镇)（区划名称）: Township name from the place gazetteer (未识别乡镇 for an unknown township).';
COMMENT ON COLUMN household.gazetteer_village_name IS '行政村（区划名称）: Village name from the place gazetteer (未识别行政村 for an unknown village).';
COMMENT ON COLUMN household.place_match IS '区划匹配程度: How far the names as written matched the gazetteer: village; township (unknown village, code <township_code>999); county (unknown township, code <county_code>999999); none (unknown county).';
COMMENT ON COLUMN household.is_unknown_village IS '是否未识别村: The village code is an unknown-village placeholder (rule C8).';
COMMENT ON COLUMN household.county_name IS '县(市、区): County name as written by the sender.';
COMMENT ON COLUMN household.township_name IS '乡(镇): Township name as written.';
COMMENT ON COLUMN household.village_name IS '行政村: Administrative village name as written.';
COMMENT ON COLUMN household.group_name IS '自然村(组): Natural village / group.';
COMMENT ON COLUMN household.head_name IS '户主姓名: Household head''s name.';
COMMENT ON COLUMN household.head_id_masked IS '户主身份证号（脱敏）: Head''s ID number masked for display (first 4 and last 4 characters).';
COMMENT ON COLUMN household.head_id_pseudonym IS '户主身份证号假名: Keyed pseudonym of the head''s ID number (HMAC-SHA256, letters only); equals id_pseudonym of the same person, for joins.';
COMMENT ON COLUMN household.phone_masked IS '联系电话（脱敏）: Phone number masked for display (first 3 and last 4 digits).';
COMMENT ON COLUMN household.phone_pseudonym IS '联系电话假名: Keyed pseudonym of the phone number''s digits (HMAC-SHA256, letters only).';
COMMENT ON COLUMN household.household_size IS '家庭人口数（人）: Household size as registered.';
COMMENT ON COLUMN household.member_count IS '成员人数（人）: Member rows of the household in the registry (person table).';
COMMENT ON COLUMN household.poverty_attribute IS '贫困户属性: Poverty attribute.';
COMMENT ON COLUMN household.identification_standard IS '识别标准: Identification standard.';
COMMENT ON COLUMN household.main_poverty_cause IS '主要致贫原因: Main cause of poverty.';
COMMENT ON COLUMN household.poverty_status IS '脱贫属性: Poverty status.';
COMMENT ON COLUMN household.planned_exit_year IS '计划脱贫年度: Planned exit year.';
COMMENT ON COLUMN household.exit_year IS '脱贫年度: Exit year.';
COMMENT ON COLUMN household.first_identified_date IS '首次识别时间: Date first identified as poor.';
COMMENT ON COLUMN household.is_new IS '是否当年新识别: First identified in the reporting year: cannot exit this year (exit_failed_tests gets `new`).';
COMMENT ON COLUMN household.is_relocation_household IS '是否易地搬迁户: Registry relocation flag.';
COMMENT ON COLUMN household.income_per_capita IS '年人均纯收入（元）: Registry annual net income per capita.';
COMMENT ON COLUMN household.income_line IS '脱贫收入标准（元）: The year''s income line for the exit check.';
COMMENT ON COLUMN household.housing_reported IS '危房改造是否有记录: The housing sender''s month in force lists the household.';
COMMENT ON COLUMN household.house_grade IS '房屋鉴定等级: Housing safety grade.';
COMMENT ON COLUMN household.renovation_mode IS '改造方式: Renovation mode.';
COMMENT ON COLUMN household.acceptance_date IS '竣工验收日期: Renovation acceptance date.';
COMMENT ON COLUMN household.subsidy_amount IS '补助金额（元）: Renovation subsidy.';
COMMENT ON COLUMN household.subsidy_paid_date IS '补助兑付日期: Date the subsidy was paid.';
COMMENT ON COLUMN household.is_dangerous_house IS '是否危房户: Registry: lives in a dangerous house.';
COMMENT ON COLUMN household.housing_source IS '住房安全数据来源: Sender whose value decided the housing test: relocation (moved in), housing (grade), registry (是否危房户); empty when nothing is known.';
COMMENT ON COLUMN household.site_name IS '安置点名称: Relocation site.';
COMMENT ON COLUMN household.placement_mode IS '安置方式: Placement mode.';
COMMENT ON COLUMN household.house_completed_date IS '房屋竣工日期: Date the new house was completed.';
COMMENT ON COLUMN household.facilities_complete IS '配套设施是否完成: Site facilities complete.';
COMMENT ON COLUMN household.keys_handed_date IS '交钥匙日期: Date keys were handed over.';
COMMENT ON COLUMN household.moved_in_date IS '入住日期: Move-in date.';
COMMENT ON COLUMN household.old_house_demolished IS '旧房是否拆除: Old house demolished.';
COMMENT ON COLUMN household.relocation_source IS '易地搬迁数据来源: Sender of the relocation row used; empty when not concerned.';
COMMENT ON COLUMN household.drinking_water_safety IS '饮水安全: Drinking-water safety.';
COMMENT ON COLUMN household.drinking_water_safety_source IS '饮水安全数据来源: Sender of drinking_water_safety: infrastructure, or registry (饮水是否安全: 是 = 达标, 否 = 不达标).';
COMMENT ON COLUMN household.has_power IS '是否通生活用电: Household has electricity for daily life.';
COMMENT ON COLUMN household.has_power_source IS '生活用电数据来源: Sender of has_power: infrastructure or registry.';
COMMENT ON COLUMN household.industry_types IS '产业类型: Industries supported.';
COMMENT ON COLUMN household.driving_mode IS '带动模式: How the household is driven (三带一创).';
COMMENT ON COLUMN household.driving_entity IS '带动主体名称: Name of the driving enterprise/cooperative.';
COMMENT ON COLUMN household.support_funds IS '扶持资金（元）: Industry support funds (not income).';
COMMENT ON COLUMN household.industry_source IS '产业数据来源: Sender of the industry rows used (types, driving mode, support funds).';
COMMENT ON COLUMN household.students IS '在校学生人数（人）: Members the education sender lists.';
COMMENT ON COLUMN household.dropouts_6_15 IS '义务教育年龄辍学人数（人）: Members aged 6-15 at the as-of date reported 辍学.';
COMMENT ON COLUMN household.education_source IS '教育数据来源: Sender of the education rows used.';
COMMENT ON COLUMN household.members_insured IS '双参保人数（人）: Members in both basic medical and serious-illness insurance.';
COMMENT ON COLUMN household.members_uninsured IS '未参保人数（人）: Members 未参保 in basic medical or serious-illness insurance.';
COMMENT ON COLUMN household.members_insurance_unknown IS '参保状况不明人数（人）: Members with no health value and no registry value for an insurance (and none 未参保).';
COMMENT ON COLUMN household.insurance_source IS '参保数据来源: Senders of the insurance values used: health, registry (fallback for the exhaustive health sender), comma-separated.';
COMMENT ON COLUMN household.assistance_types IS '享受保障类别: Assistance types the social-security sender reports.';
COMMENT ON COLUMN household.deceased_members IS '死亡注销人数（人）: Members the social-security sender reports deregistered as deceased.';
COMMENT ON COLUMN household.screening_categories IS '比对发现类别: Screening findings (死亡, 财政供养人员, 车辆, ...) on the household''s members.';
COMMENT ON COLUMN household.screening_source IS '比对数据来源: Sender of the screening rows used.';
COMMENT ON COLUMN household.forest_rangers IS '生态护林员人数（人）: Members the ecology sender lists as forest rangers.';
COMMENT ON COLUMN household.workers IS '务工人数（人）: Members the employment sender lists.';
COMMENT ON COLUMN household.income_wages IS '工资性收入（元）: Sum of 月均工资 x 务工月数 (public-welfare posts included, 护林员 posts left out when ecology pays them).';
COMMENT ON COLUMN household.income_wages_source IS '工资性收入来源: Sender of the employment rows used.';
COMMENT ON COLUMN household.income_operating IS '生产经营性收入（行业）（元）: Industry sender''s 生产经营性收入.';
COMMENT ON COLUMN household.income_operating_source IS '生产经营性收入来源: Sender of income_operating.';
COMMENT ON COLUMN household.income_dividends IS '资产收益分红（行业）（元）: Industry sender''s 资产收益分红.';
COMMENT ON COLUMN household.income_dividends_source IS '资产收益分红来源: Sender of income_dividends.';
COMMENT ON COLUMN household.income_transfers IS '转移性收入（元）: 月保障金额 x 12 for 农村低保, 特困供养, 残疾人两项补贴; 临时救助 counted once.';
COMMENT ON COLUMN household.income_transfers_source IS '转移性收入来源: Sender of the social-security rows used (also for assistance types and deaths).';
COMMENT ON COLUMN household.income_eco IS '生态补偿收入（元）: 护林员年报酬 + 退耕还林补助 + 生态效益补偿.';
COMMENT ON COLUMN household.income_eco_source IS '生态补偿收入来源: Sender of the ecology rows used.';
COMMENT ON COLUMN household.income_total IS '行业收入合计（元）: Sum of the five sector income components (扶持资金 and 资助金额 are not income).';
COMMENT ON COLUMN household.income_per_capita_sectors IS '行业人均收入（元）: income_total divided by the registry''s 家庭人口数.';
COMMENT ON COLUMN household.exit_income IS '收入检验: Registry 年人均纯收入 against the year''s income line.';
COMMENT ON COLUMN household.exit_housing IS '住房安全检验: Housing grade A/B, C/D renovated, moved in, or (no housing row) registry 是否危房户 not 是.';
COMMENT ON COLUMN household.exit_education IS '义务教育检验: No member aged 6-15 reported 辍学.';
COMMENT ON COLUMN household.exit_insurance IS '基本医疗检验: Every member in both basic medical and serious-illness insurance.';
COMMENT ON COLUMN household.exit_water IS '饮水安全检验: Drinking water 达标 or 基本达标.';
COMMENT ON COLUMN household.exit_ready IS '是否达到脱贫标准: Every exit test passes and the household was not first identified in the reporting year.';
COMMENT ON COLUMN household.exit_failed_tests IS '未通过检验: Failing test ids (income, housing, education, insurance, water), then unknown:<test> for tests only unknown, then new.';
COMMENT ON COLUMN household.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN household.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN household.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN household.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN household.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN household.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN household.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN household.month IS '报送月份: Reporting month of the file (YYYY-MM).';
