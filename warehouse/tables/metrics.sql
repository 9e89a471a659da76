-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS metrics (
    version VARCHAR,
    level VARCHAR,
    code VARCHAR,
    place_name VARCHAR,
    parent_code VARCHAR,
    metric VARCHAR,
    metric_label VARCHAR,
    kind VARCHAR,
    metric_value DOUBLE,
    unit VARCHAR,
    numerator_metric VARCHAR,
    denominator_metric VARCHAR,
    threshold VARCHAR,
    passed BOOLEAN
);
COMMENT ON TABLE metrics IS '一个数：各级指标（市、县、乡镇、村，及安置点），计数逐级汇总，比率逐级由计数重算 (the one number)';
COMMENT ON COLUMN metrics.version IS '版本号: Published version the row belongs to.';
COMMENT ON COLUMN metrics.level IS '层级: Level of the place: city, county, township, village, or relocation site (outside the roll-up).';
COMMENT ON COLUMN metrics.code IS '区划代码: Place code at its level (site: <county_code>/<site name>).';
COMMENT ON COLUMN metrics.place_name IS '名称: Name of the place or relocation site.';
COMMENT ON COLUMN metrics.parent_code IS '上级代码: Code of the place one level up (site: its county).';
COMMENT ON COLUMN metrics.metric IS '指标: Metric id (households, poverty_incidence, road_rate_test, ...).';
COMMENT ON COLUMN metrics.metric_label IS '指标名称: Metric name in Chinese.';
COMMENT ON COLUMN metrics.kind IS '指标类型: count: sums up the levels; rate: 100 x numerator / denominator at the same level; test: threshold passed (1) or failed (0).';
COMMENT ON COLUMN metrics.metric_value IS '指标值: The metric''s value, in `unit`.';
COMMENT ON COLUMN metrics.unit IS '单位: Unit of the value (户, 人, 个, %, 元; test: 1 = pass, 0 = fail).';
COMMENT ON COLUMN metrics.numerator_metric IS '分子指标: Rate: the count metric divided; test: the rate tested.';
COMMENT ON COLUMN metrics.denominator_metric IS '分母指标: Rate: the count metric dividing.';
COMMENT ON COLUMN metrics.threshold IS '达标标准: Test: the threshold on the rate, e.g. ''< 3'' or ''>= 97'' (percent).';
COMMENT ON COLUMN metrics.passed IS '是否达标: Test: the rate meets the threshold (empty when the rate cannot be computed).';
