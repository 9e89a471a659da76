-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS link (
    row_uid VARCHAR,
    office VARCHAR,
    tbl VARCHAR,
    household_id VARCHAR,
    person_id VARCHAR,
    matched_by VARCHAR
);
COMMENT ON TABLE link IS '行业数据与建档立卡的关联';
COMMENT ON COLUMN link.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN link.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN link.tbl IS '目标表: Canonical table the row belongs to.';
COMMENT ON COLUMN link.household_id IS '户编号: Registry household number (a registry number, not personal data).';
COMMENT ON COLUMN link.person_id IS '人编号: Registry person number.';
COMMENT ON COLUMN link.matched_by IS '关联方式: Which key tied the row to the registry (id_number, head_id_number, household_id).';
