-- claimtrack ledger, schema version 1.
--
-- Applied once, as migration 1 (see migrations.py); later versions are new steps
-- appended there, so a ledger created today and one migrated from version 1 end up
-- with the same tables. (Version 2 adds articles.author/raw_sha256/raw_path, the
-- same provenance per row of article_sources, and the article_versions table;
-- version 3 rebuilds exclusions to admit the reasons 'byline' and 'dateline'.)
--
-- Conventions: every *_start/*_end is a character offset into articles.text
-- (start inclusive, end exclusive) and every *_text equals that slice. Dates are
-- ISO 8601 text (YYYY-MM-DD); timestamps are ISO 8601 UTC. JSON columns hold
-- spans as [start, end, text] lists.

CREATE TABLE articles (
    id                 TEXT PRIMARY KEY,          -- sha256 of the normalised text
    text               TEXT NOT NULL,
    source             TEXT NOT NULL,             -- where the stored analysis was read from
    title              TEXT,
    publisher          TEXT,
    url                TEXT,
    published          TEXT,                      -- ISO date, or NULL when unknown
    encoding           TEXT NOT NULL,
    schema_version     TEXT NOT NULL,             -- e.g. "claimtrack/1"
    claimtrack_version TEXT NOT NULL,
    model              TEXT NOT NULL,
    model_version      TEXT NOT NULL,
    lexicon_hash       TEXT NOT NULL,
    analysis_hash      TEXT NOT NULL,             -- fingerprint: same hash, same rows
    added_at           TEXT NOT NULL,             -- first stored
    updated_at         TEXT NOT NULL              -- current analysis stored
);
CREATE INDEX articles_published ON articles (published);

-- Every place an article was seen: the same text read from two files is one
-- article with two rows here.
CREATE TABLE article_sources (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    source     TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (article_id, source)
);
CREATE INDEX article_sources_source ON article_sources (source);

CREATE TABLE exclusions (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,                  -- order within the analysis
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    span_text  TEXT NOT NULL,
    reason     TEXT NOT NULL
        CHECK (reason IN ('promo', 'caption', 'credit', 'duplicate', 'boilerplate')),
    PRIMARY KEY (article_id, position)
);

CREATE TABLE actors (
    article_id    TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    actor_id      TEXT NOT NULL,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    titles        TEXT NOT NULL,                  -- JSON list of strings
    side          TEXT,
    side_start    INTEGER,
    side_end      INTEGER,
    side_text     TEXT,
    mentions      TEXT NOT NULL,                  -- JSON list of [start, end, text]
    PRIMARY KEY (article_id, actor_id)
);
CREATE INDEX actors_actor_id ON actors (actor_id);
CREATE INDEX actors_side ON actors (side);

CREATE TABLE statements (
    id                    TEXT PRIMARY KEY,       -- hash of article id and cue offsets
    article_id            TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position              INTEGER NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('direct', 'indirect', 'mixed')),
    cue_start             INTEGER NOT NULL,
    cue_end               INTEGER NOT NULL,
    cue_text              TEXT NOT NULL,
    source_start          INTEGER,
    source_end            INTEGER,
    source_text           TEXT,
    content               TEXT NOT NULL,          -- JSON list of [start, end, text]
    notes                 TEXT NOT NULL,          -- JSON list of strings
    actor_id              TEXT,
    actor_name            TEXT,                   -- denormalised from actors for queries
    side                  TEXT,                   -- denormalised from actors for queries
    channel_type          TEXT NOT NULL,
    channel_platform      TEXT,
    channel_evidence_start INTEGER,
    channel_evidence_end  INTEGER,
    channel_evidence_text TEXT,
    channel_carried_over  INTEGER NOT NULL CHECK (channel_carried_over IN (0, 1)),
    time_span_start       INTEGER,                -- the temporal phrase's offsets
    time_span_end         INTEGER,
    time_text             TEXT,
    time_precision        TEXT,
    time_start            TEXT,                   -- ISO date, inclusive
    time_end              TEXT,                   -- ISO date, inclusive
    time_duration         TEXT,                   -- ISO 8601 duration
    place_start           INTEGER,
    place_end             INTEGER,
    place_text            TEXT,
    hedges                TEXT NOT NULL,          -- JSON list of [start, end, text, by]
    proposition_key       TEXT,
    proposition_predicate TEXT,
    proposition_polarity  TEXT,
    proposition_subject_start INTEGER,
    proposition_subject_end   INTEGER,
    proposition_subject_text  TEXT,
    proposition_object_start  INTEGER,
    proposition_object_end    INTEGER,
    proposition_object_text   TEXT,
    stance_label          TEXT NOT NULL CHECK (stance_label IN ('asserts', 'denies', 'hedges')),
    stance_evidence       TEXT NOT NULL           -- JSON list of [start, end, text]
);
CREATE INDEX statements_article ON statements (article_id, cue_start);
CREATE INDEX statements_actor_id ON statements (actor_id);
CREATE INDEX statements_time ON statements (time_start, time_end);
CREATE INDEX statements_proposition ON statements (proposition_key);
CREATE INDEX statements_side ON statements (side);
