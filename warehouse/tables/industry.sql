-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS industry (
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
    industry_types VARCHAR[],
    driving_mode VARCHAR,
    driving_entity VARCHAR,
    support_funds DOUBLE,
    operating_income DOUBLE,
    dividend_income DOUBLE
);
COMMENT ON TABLE industry IS '产业扶持 (industry support, per household)';
COMMENT ON COLUMN industry.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN industry.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN industry.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN industry.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN industry.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN industry.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN industry.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN industry.outcome IS '处理结果: Row outcome fixed when it is read.';
COMMENT ON COLUMN industry.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN industry.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN industry.county_name IS '县(市、区): County name as written by the sender.';
COMMENT ON COLUMN industry.township_name IS '乡(镇): Township name as written.';
COMMENT ON COLUMN industry.village_name IS '行政村: Administrative village name as written.';
COMMENT ON COLUMN industry.head_name IS '户主姓名: Household head''s name.';
COMMENT ON COLUMN industry.head_id_number IS '户主身份证号: Household head''s resident ID number.';
COMMENT ON COLUMN industry.head_id_number_original IS '原户主证件号码: Head''s ID as written when upgraded from 15 digits (A3).';
COMMENT ON COLUMN industry.industry_types IS '产业类型: Industries supported.';
COMMENT ON COLUMN industry.driving_mode IS '带动模式: How the household is driven (三带一创).';
COMMENT ON COLUMN industry.driving_entity IS '带动主体名称: Name of the driving enterprise/cooperative.';
COMMENT ON COLUMN industry.support_funds IS '扶持资金（元）: Industry support funds (not income).';
COMMENT ON COLUMN industry.operating_income IS '生产经营性收入（元）: Operating income per year.';
COMMENT ON COLUMN industry.dividend_income IS '资产收益分红（元）: Asset-income dividends per year.';
