-- +goose Up
-- Notices where staff read them: WeCom (企业微信) and DingTalk (钉钉)
-- group robots besides e-mail.
--
-- A channel is one robot, set up by an administrator for the whole site,
-- for a unit (建设单位, projects.unit) or for one user. Its webhook key
-- (WeCom's key, DingTalk's access_token) and DingTalk's signing secret are
-- secrets: stored sealed (AES-GCM, with a key derived from the session
-- keys), with only their last characters in the clear (the hints), which
-- is all the administrators' pages ever show.
CREATE TABLE notice_channels (
    id            INTEGER  PRIMARY KEY,
    name          TEXT     NOT NULL CHECK (length(name) > 0),
    service       TEXT     NOT NULL CHECK (service IN ('wecom', 'dingtalk')),
    scope         TEXT     NOT NULL CHECK (scope IN ('site', 'unit', 'user')),
    unit          TEXT     NOT NULL DEFAULT '',
    user_id       INTEGER  REFERENCES users (id),
    sealed_key    TEXT     NOT NULL,
    key_hint      TEXT     NOT NULL DEFAULT '',
    sealed_secret TEXT     NOT NULL DEFAULT '',
    secret_hint   TEXT     NOT NULL DEFAULT '',
    language      TEXT     NOT NULL DEFAULT 'zh-CN',
    digest        BOOLEAN  NOT NULL DEFAULT TRUE,
    notices       BOOLEAN  NOT NULL DEFAULT TRUE,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    CHECK ((scope = 'unit') = (unit <> '')),
    CHECK ((scope = 'user') = (user_id IS NOT NULL))
);

-- The notices to tell at once (projects.Notice), queued durably by the
-- feature that has something to tell and sent after; notice_key makes
-- the same notice queued once however often it is offered. routed_at is
-- when its deliveries were made.
CREATE TABLE notices (
    id          INTEGER  PRIMARY KEY,
    notice_key  TEXT     NOT NULL UNIQUE,
    kind        TEXT     NOT NULL,
    project_id  INTEGER  NOT NULL REFERENCES projects (id),
    target_id   INTEGER  NOT NULL DEFAULT 0,
    case_id     INTEGER  NOT NULL DEFAULT 0,
    recipients  TEXT     NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    routed_at   DATETIME
);
CREATE INDEX notices_unrouted ON notices (id) WHERE routed_at IS NULL;

-- One message to one destination ('email:<user id>' or 'channel:<id>')
-- about one subject ('notice:<id>' or a channel's digest of a day,
-- 'digest:<YYYY-MM-DD>'): the pair is unique, so two servers queue it
-- once. A server claims it (pending → sending, with a lease) before it
-- sends, so that no other does; a refused send goes back to pending with
-- next_attempt_at pushed back, until attempts run out (failed).
CREATE TABLE notice_deliveries (
    id              INTEGER  PRIMARY KEY,
    subject         TEXT     NOT NULL,
    destination     TEXT     NOT NULL,
    state           TEXT     NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER  NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    claimed_at      DATETIME,
    lease_until     DATETIME,
    sent_at         DATETIME,
    last_error      TEXT     NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    UNIQUE (subject, destination)
);
CREATE INDEX notice_deliveries_due ON notice_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notice_deliveries_leased ON notice_deliveries (lease_until) WHERE state = 'sending';
-- A robot takes 20 messages a minute: the sends of the last minute to a
-- destination are counted by this index.
CREATE INDEX notice_deliveries_destination ON notice_deliveries (destination, claimed_at);

-- +goose Down
DROP TABLE notice_deliveries;
DROP TABLE notices;
DROP TABLE notice_channels;
