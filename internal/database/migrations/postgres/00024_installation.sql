-- +goose Up
-- The installation's own name, made once, for the identifiers the site
-- hands out that must not change with the address it is read at: feed
-- entry ids and calendar UIDs, when no public address is configured. A
-- backup carries it, so a restored site keeps its identity.
CREATE TABLE installation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    created_on TEXT NOT NULL
);
INSERT INTO installation (id, name, created_on) VALUES (1, replace(gen_random_uuid()::text, '-', ''), to_char(CURRENT_DATE, 'YYYY-MM-DD'));

-- +goose Down
DROP TABLE installation;
