-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS housing (
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
    head_name VARCHAR,
    head_id_number VARCHAR,
    head_id_number_original VARCHAR,
    house_grade VARCHAR,
    renovation_mode VARCHAR,
    works_start_date DATE,
    acceptance_date DATE,
    subsidy_amount DOUBLE,
    subsidy_paid_date DATE
);
COMMENT ON TABLE housing IS '危房改造 (housing, per household)';
COMMENT ON COLUMN housing.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN housing.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN housing.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN housing.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN housing.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN housing.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN housing.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN housing.outcome IS '处理结果: Row outcome fixed when it is read.';
COMMENT ON COLUMN housing.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN housing.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN housing.county_name IS '县(市、区): County name as written by the sender.';
COMMENT ON COLUMN housing.township_name IS '乡(镇): Township name as written.';
COMMENT ON COLUMN housing.village_name IS '行政村: Administrative village name as written.';
COMMENT ON COLUMN housing.head_name IS '户主姓名: Household head''s name.';
COMMENT ON COLUMN housing.head_id_number IS '户主身份证号: Household head''s resident ID number.';
COMMENT ON COLUMN housing.head_id_number_original IS '原户主证件号码: Head''s ID as written when upgraded from 15 digits (A3).';
COMMENT ON COLUMN housing.house_grade IS '房屋鉴定等级: Housing safety grade.';
COMMENT ON COLUMN housing.renovation_mode IS '改造方式: Renovation mode.';
COMMENT ON COLUMN housing.works_start_date IS '开工日期: Works start date.';
COMMENT ON COLUMN housing.acceptance_date IS '竣工验收日期: Renovation acceptance date.';
COMMENT ON COLUMN housing.subsidy_amount IS '补助金额（元）: Renovation subsidy.';
COMMENT ON COLUMN housing.subsidy_paid_date IS '补助兑付日期: Date the subsidy was paid.';
