-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS registry_household (
    load_id VARCHAR,
    office VARCHAR,
    file_hash VARCHAR,
    file_name VARCHAR,
    sheet VARCHAR,
    row BIGINT,
    row_uid VARCHAR,
    outcome VARCHAR,
    month VARCHAR,
    scope VARCHAR,
    county_name VARCHAR,
    township_name VARCHAR,
    village_name VARCHAR,
    group_name VARCHAR,
    household_id VARCHAR,
    head_name VARCHAR,
    head_id_number VARCHAR,
    head_id_number_original VARCHAR,
    household_size BIGINT,
    poverty_attribute VARCHAR,
    identification_standard VARCHAR,
    main_poverty_cause VARCHAR,
    poverty_status VARCHAR,
    planned_exit_year BIGINT,
    exit_year BIGINT,
    first_identified_date DATE,
    is_relocation_household BOOLEAN,
    income_per_capita DOUBLE,
    is_dangerous_house BOOLEAN,
    water_safe BOOLEAN,
    has_power BOOLEAN,
    phone VARCHAR
);
COMMENT ON TABLE registry_household IS '建档立卡户信息 (registry households)';
COMMENT ON COLUMN registry_household.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN registry_household.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN registry_household.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN registry_household.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN registry_household.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN registry_household.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN registry_household.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN registry_household.outcome IS '处理结果: Row outcome fixed when it is read.';
COMMENT ON COLUMN registry_household.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN registry_household.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN registry_household.county_name IS '县(市、区): County name as written by the sender.';
COMMENT ON COLUMN registry_household.township_name IS '乡(镇): Township name as written.';
COMMENT ON COLUMN registry_household.village_name IS '行政村: Administrative village name as written.';
COMMENT ON COLUMN registry_household.group_name IS '自然村(组): Natural village / group.';
COMMENT ON COLUMN registry_household.household_id IS '户编号: Registry household number (a registry number, not personal data).';
COMMENT ON COLUMN registry_household.head_name IS '户主姓名: Household head''s name.';
COMMENT ON COLUMN registry_household.head_id_number IS '户主身份证号: Household head''s resident ID number.';
COMMENT ON COLUMN registry_household.head_id_number_original IS '原户主证件号码: Head''s ID as written when upgraded from 15 digits (A3).';
COMMENT ON COLUMN registry_household.household_size IS '家庭人口数（人）: Household size as registered.';
COMMENT ON COLUMN registry_household.poverty_attribute IS '贫困户属性: Poverty attribute.';
COMMENT ON COLUMN registry_household.identification_standard IS '识别标准: Identification standard.';
COMMENT ON COLUMN registry_household.main_poverty_cause IS '主要致贫原因: Main cause of poverty.';
COMMENT ON COLUMN registry_household.poverty_status IS '脱贫属性: Poverty status.';
COMMENT ON COLUMN registry_household.planned_exit_year IS '计划脱贫年度: Planned exit year.';
COMMENT ON COLUMN registry_household.exit_year IS '脱贫年度: Exit year.';
COMMENT ON COLUMN registry_household.first_identified_date IS '首次识别时间: Date first identified as poor.';
COMMENT ON COLUMN registry_household.is_relocation_household IS '是否易地搬迁户: Registry relocation flag.';
COMMENT ON COLUMN registry_household.income_per_capita IS '年人均纯收入（元）: Registry annual net income per capita.';
COMMENT ON COLUMN registry_household.is_dangerous_house IS '是否危房户: Registry: lives in a dangerous house.';
COMMENT ON COLUMN registry_household.water_safe IS '饮水是否安全: Registry: drinking water is safe.';
COMMENT ON COLUMN registry_household.has_power IS '是否通生活用电: Household has electricity for daily life.';
COMMENT ON COLUMN registry_household.phone IS '联系电话: Contact phone number.';
