-- When an API token was last used (issue 18), to the minute: authentication writes it at most once a minute per
-- token, not once per request. An admin sees it in the list of the organisation's API tokens.
ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;
