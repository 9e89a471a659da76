-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS relocation (
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
    household_id VARCHAR,
    head_name VARCHAR,
    head_id_number VARCHAR,
    head_id_number_original VARCHAR,
    relocated_people BIGINT,
    site_name VARCHAR,
    placement_mode VARCHAR,
    house_completed_date DATE,
    facilities_complete BOOLEAN,
    keys_handed_date DATE,
    moved_in_date DATE,
    old_house_demolished BOOLEAN
);
COMMENT ON TABLE relocation IS '易地搬迁 (relocation, per household)';
COMMENT ON COLUMN relocation.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN relocation.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN relocation.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN relocation.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN relocation.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN relocation.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN relocation.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN relocation.outcome IS '处理结果: Row outcome fixed when it is read.';
COMMENT ON COLUMN relocation.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN relocation.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN relocation.county_name IS '县(市、区): County name as written by the sender.';
COMMENT ON COLUMN relocation.household_id IS '户编号: Registry household number (a registry number, not personal data).';
COMMENT ON COLUMN relocation.head_name IS '户主姓名: Household head''s name.';
COMMENT ON COLUMN relocation.head_id_number IS '户主身份证号: Household head''s resident ID number.';
COMMENT ON COLUMN relocation.head_id_number_original IS '原户主证件号码: Head''s ID as written when upgraded from 15 digits (A3).';
COMMENT ON COLUMN relocation.relocated_people IS '搬迁人数（人）: People relocated.';
COMMENT ON COLUMN relocation.site_name IS '安置点名称: Relocation site.';
COMMENT ON COLUMN relocation.placement_mode IS '安置方式: Placement mode.';
COMMENT ON COLUMN relocation.house_completed_date IS '房屋竣工日期: Date the new house was completed.';
COMMENT ON COLUMN relocation.facilities_complete IS '配套设施是否完成: Site facilities complete.';
COMMENT ON COLUMN relocation.keys_handed_date IS '交钥匙日期: Date keys were handed over.';
COMMENT ON COLUMN relocation.moved_in_date IS '入住日期: Move-in date.';
COMMENT ON COLUMN relocation.old_house_demolished IS '旧房是否拆除: Old house demolished.';
