-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS changes (
    from_version VARCHAR,
    to_version VARCHAR,
    consecutive BOOLEAN,
    household_id VARCHAR,
    village_code VARCHAR,
    change_kind VARCHAR,
    change_topic VARCHAR,
    changed_column VARCHAR,
    column_label VARCHAR,
    old_value VARCHAR,
    new_value VARCHAR
);
COMMENT ON TABLE changes IS '动态管理：两个版本之间每户的变化（状态、脱贫检验、各项指标），视图，来自household_history (what changed for each household between two versions)';
COMMENT ON COLUMN changes.from_version IS '起始版本: The earlier of the two versions compared.';
COMMENT ON COLUMN changes.to_version IS '对比版本: The later of the two versions compared.';
COMMENT ON COLUMN changes.consecutive IS '是否相邻版本: to_version is the version published right after from_version.';
COMMENT ON COLUMN changes.household_id IS '户编号: Registry household number (a registry number, not personal data).';
COMMENT ON COLUMN changes.village_code IS '村代码: 12-digit statistical village code.';
COMMENT ON COLUMN changes.change_kind IS '变化类型: changed: a value of the household changed; added / removed: the household is only in to_version / from_version.';
COMMENT ON COLUMN changes.change_topic IS '变化类别: status: the registry''s own record (status, attributes, place, head); exit_check: the exit tests; indicator: a converged sector value or income component.';
COMMENT ON COLUMN changes.changed_column IS '变化字段: Column of `household` whose value changed (empty for added / removed).';
COMMENT ON COLUMN changes.column_label IS '字段名称: Chinese label of the changed column.';
COMMENT ON COLUMN changes.old_value IS '原值: Value in from_version, as text.';
COMMENT ON COLUMN changes.new_value IS '新值: Value in to_version, as text.';
