-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS ecology (
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
    name VARCHAR,
    id_number VARCHAR,
    id_number_original VARCHAR,
    is_forest_ranger BOOLEAN,
    ranger_annual_pay DOUBLE,
    grain_for_green_area DOUBLE,
    grain_for_green_subsidy DOUBLE,
    eco_compensation DOUBLE
);
COMMENT ON TABLE ecology IS '生态补偿 (ecology, per person)';
COMMENT ON COLUMN ecology.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN ecology.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN ecology.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN ecology.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN ecology.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN ecology.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN ecology.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN ecology.outcome IS '处理结果: Row outcome fixed when it is read.';
COMMENT ON COLUMN ecology.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN ecology.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN ecology.name IS '姓名: Person''s name.';
COMMENT ON COLUMN ecology.id_number IS '身份证号: Resident ID number, 18 characters after clean-up (GB 11643).';
COMMENT ON COLUMN ecology.id_number_original IS '原证件号码: The ID as written when it was upgraded from 15 digits (A3).';
COMMENT ON COLUMN ecology.is_forest_ranger IS '是否生态护林员: Is an ecological forest ranger.';
COMMENT ON COLUMN ecology.ranger_annual_pay IS '护林员年报酬（元）: Forest-ranger annual pay.';
COMMENT ON COLUMN ecology.grain_for_green_area IS '退耕还林面积（亩）: Grain-for-green area.';
COMMENT ON COLUMN ecology.grain_for_green_subsidy IS '退耕还林补助（元）: Grain-for-green subsidy per year.';
COMMENT ON COLUMN ecology.eco_compensation IS '生态效益补偿（元）: Ecological compensation per year.';
