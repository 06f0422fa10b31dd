-- Token search (`GET /api/v1/action-tokens?q=`) finds names containing a text anywhere. No B-tree index answers
-- `LIKE '%text%'`, so at 100,000 tokens a search that finds little read every token of the organisation. FTS5's
-- trigram tokenizer indexes every three characters of each name, so a text of three characters or more is looked up
-- instead (shorter ones still scan, and match little but cost little to type). The index holds no copy of the names
-- (`content=`): triggers keep it in step with `action_tokens`.
CREATE VIRTUAL TABLE action_token_names USING fts5(
    name, content = 'action_tokens', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO action_token_names (rowid, name) SELECT id, name FROM action_tokens;
CREATE TRIGGER action_token_names_insert AFTER INSERT ON action_tokens BEGIN
    INSERT INTO action_token_names (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER action_token_names_delete AFTER DELETE ON action_tokens BEGIN
    INSERT INTO action_token_names (action_token_names, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER action_token_names_update AFTER UPDATE OF name ON action_tokens BEGIN
    INSERT INTO action_token_names (action_token_names, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO action_token_names (rowid, name) VALUES (new.id, new.name);
END;
