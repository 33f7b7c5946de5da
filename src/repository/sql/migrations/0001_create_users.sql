-- Users, with the keys the domain computes (src/domain): the repository stores
-- and indexes them and never folds text itself (lower() in "C" folds ASCII only).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
  id                text    NOT NULL PRIMARY KEY,
  -- "C": byte order of UTF-8, i.e. Unicode code point order, the domain's key order.
  email_key         text    COLLATE "C" NOT NULL,
  email             text    NOT NULL,
  first_name        text    NOT NULL,
  last_name         text    NOT NULL,
  folded_first_name text    NOT NULL,
  folded_last_name  text    NOT NULL,
  age               integer NOT NULL,
  phone             text    NOT NULL,
  address           text    NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);

-- Uniqueness, look-up and the List order (keyset pages: email_key > $after).
CREATE UNIQUE INDEX users_email_key ON users (email_key);
-- SearchAge order (keyset pages: (age, email_key) > ($age, $after)).
CREATE INDEX users_age_email_key ON users (age, email_key);
-- Name search: LIKE '%…%' on the folded names.
CREATE INDEX users_folded_first_name_trgm ON users USING gin (folded_first_name gin_trgm_ops);
CREATE INDEX users_folded_last_name_trgm ON users USING gin (folded_last_name gin_trgm_ops);
