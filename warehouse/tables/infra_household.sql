-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS infra_household (
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
    head_name VARCHAR,
    head_id_number VARCHAR,
    head_id_number_original VARCHAR,
    village_name VARCHAR,
    drinking_water_safety VARCHAR,
    water_supply_mode VARCHAR,
    has_power BOOLEAN
);
COMMENT ON TABLE infra_household IS '农户饮水用电 (household water and power)';
COMMENT ON COLUMN infra_household.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN infra_household.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN infra_household.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN infra_household.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN infra_household.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN infra_household.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN infra_household.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN infra_household.outcome IS '处理结果: Row outcome fixed when it is read.';
COMMENT ON COLUMN infra_household.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN infra_household.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN infra_household.head_name IS '户主姓名: Household head''s name.';
COMMENT ON COLUMN infra_household.head_id_number IS '户主身份证号: Household head''s resident ID number.';
COMMENT ON COLUMN infra_household.head_id_number_original IS '原户主证件号码: Head''s ID as written when upgraded from 15 digits (A3).';
COMMENT ON COLUMN infra_household.village_name IS '行政村: Administrative village name as written.';
COMMENT ON COLUMN infra_household.drinking_water_safety IS '饮水安全: Drinking-water safety.';
COMMENT ON COLUMN infra_household.water_supply_mode IS '供水方式: Water supply mode.';
COMMENT ON COLUMN infra_household.has_power IS '是否通生活用电: Household has electricity for daily life.';
