-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS pseudonym_key (
    key_hex VARCHAR
);
COMMENT ON TABLE pseudonym_key IS '假名密钥（仅数据办工作库保存，分析库中只有假名）';
COMMENT ON COLUMN pseudonym_key.key_hex IS '假名密钥: The key of the keyed pseudonyms (hex); never leaves the working database.';
