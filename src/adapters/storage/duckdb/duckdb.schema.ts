/** The tables of the embedded store: samples, their latest per tag, the plant model and the records. */

/** Bumped on any change of the tables below; a database from a newer Gemba is refused rather than misread. */
export const SCHEMA_VERSION = 1;

/**
 * Samples carry no primary key: an index would cost more on append than it returns, and DuckDB's zone maps
 * (min/max of tag_id and ts per row group) already skip what a time-range query does not need.
 * `ts` is UTC epoch ms; `quality` is QUALITY_CODE (0 good, 1 uncertain, 2 bad).
 *
 * `latest_log` is how LatestIndex survives a restart: each append adds, in its own transaction, one row per
 * tag whose latest it changed (an appender flush, no UPDATE or DELETE on the hot path). The newest row per
 * tag is its latest; the store rewrites the log down to one row per tag once it grows past a bound.
 */
export const SCHEMA_DDL = `
CREATE TABLE IF NOT EXISTS gemba_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS samples (tag_id INTEGER NOT NULL, ts BIGINT NOT NULL, value DOUBLE NOT NULL, quality UTINYINT NOT NULL);
CREATE TABLE IF NOT EXISTS latest_log (tag_id INTEGER NOT NULL, ts BIGINT NOT NULL, value DOUBLE NOT NULL, quality UTINYINT NOT NULL);
CREATE TABLE IF NOT EXISTS assets (
  path VARCHAR PRIMARY KEY,
  level VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  description VARCHAR,
  kind VARCHAR
);
CREATE SEQUENCE IF NOT EXISTS tag_ids START 1;
CREATE TABLE IF NOT EXISTS tags (
  id INTEGER PRIMARY KEY,
  path VARCHAR NOT NULL UNIQUE,
  asset VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  unit VARCHAR,
  data_type VARCHAR NOT NULL,
  description VARCHAR,
  spec VARCHAR,
  states VARCHAR,
  source VARCHAR
);
CREATE SEQUENCE IF NOT EXISTS event_seq START 1;
CREATE TABLE IF NOT EXISTS events (
  id VARCHAR PRIMARY KEY,
  seq BIGINT NOT NULL DEFAULT nextval('event_seq'),
  ts BIGINT NOT NULL,
  asset VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  body VARCHAR NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS dead_letter_seq START 1;
CREATE TABLE IF NOT EXISTS dead_letters (
  seq BIGINT NOT NULL DEFAULT nextval('dead_letter_seq'),
  ts BIGINT NOT NULL,
  source VARCHAR NOT NULL,
  reason VARCHAR NOT NULL,
  payload VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS api_tokens (
  id VARCHAR PRIMARY KEY,
  name VARCHAR NOT NULL,
  role VARCHAR NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  secret_hash VARCHAR NOT NULL UNIQUE
);
CREATE SEQUENCE IF NOT EXISTS audit_seq START 1;
CREATE TABLE IF NOT EXISTS audit_log (
  seq BIGINT NOT NULL DEFAULT nextval('audit_seq'),
  ts BIGINT NOT NULL,
  principal VARCHAR NOT NULL,
  operation VARCHAR NOT NULL,
  input VARCHAR NOT NULL,
  outcome VARCHAR NOT NULL,
  error VARCHAR
);
CREATE SEQUENCE IF NOT EXISTS connection_seq START 1;
CREATE TABLE IF NOT EXISTS connections (
  id VARCHAR PRIMARY KEY,
  kind VARCHAR NOT NULL,
  created_seq BIGINT NOT NULL DEFAULT nextval('connection_seq'),
  config VARCHAR NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS inspection_seq START 1;
CREATE TABLE IF NOT EXISTS inspections (
  id VARCHAR PRIMARY KEY,
  seq BIGINT NOT NULL DEFAULT nextval('inspection_seq'),
  ts BIGINT NOT NULL,
  asset VARCHAR NOT NULL,
  result VARCHAR NOT NULL,
  defect_category VARCHAR,
  body VARCHAR NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS spc_chart_seq START 1;
CREATE TABLE IF NOT EXISTS spc_charts (
  id VARCHAR PRIMARY KEY,
  created_seq BIGINT NOT NULL DEFAULT nextval('spc_chart_seq'),
  config VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS spc_points (chart VARCHAR NOT NULL, ts BIGINT NOT NULL, body VARCHAR NOT NULL);
CREATE SEQUENCE IF NOT EXISTS work_order_seq START 1;
CREATE TABLE IF NOT EXISTS work_orders (
  id VARCHAR PRIMARY KEY,
  seq BIGINT NOT NULL,
  asset VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  updated_at BIGINT NOT NULL,
  body VARCHAR NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS order_seq START 1;
CREATE TABLE IF NOT EXISTS production_orders (
  id VARCHAR PRIMARY KEY,
  seq BIGINT NOT NULL DEFAULT nextval('order_seq'),
  status VARCHAR NOT NULL,
  body VARCHAR NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS schedule_seq START 1;
CREATE TABLE IF NOT EXISTS schedules (
  id VARCHAR PRIMARY KEY,
  seq BIGINT NOT NULL,
  status VARCHAR NOT NULL,
  updated_at BIGINT NOT NULL,
  body VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS items (id VARCHAR PRIMARY KEY, body VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS demand (
  item VARCHAR NOT NULL,
  ts BIGINT NOT NULL,
  quantity DOUBLE NOT NULL,
  PRIMARY KEY (item, ts)
);
CREATE TABLE IF NOT EXISTS stock (item VARCHAR NOT NULL, ts BIGINT NOT NULL, body VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS forecasts (
  id VARCHAR PRIMARY KEY,
  item VARCHAR NOT NULL,
  created_at BIGINT NOT NULL,
  body VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (id VARCHAR PRIMARY KEY, body VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS document_chunks (
  document VARCHAR NOT NULL,
  seq INTEGER NOT NULL,
  body VARCHAR NOT NULL,
  embedder VARCHAR,
  vector BLOB,
  PRIMARY KEY (document, seq)
);
CREATE TABLE IF NOT EXISTS failure_modes (id VARCHAR PRIMARY KEY, body VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS oee_machines (asset VARCHAR PRIMARY KEY, body VARCHAR NOT NULL);
CREATE SEQUENCE IF NOT EXISTS proposal_seq START 1;
CREATE TABLE IF NOT EXISTS proposals (
  id VARCHAR PRIMARY KEY,
  seq BIGINT NOT NULL,
  status VARCHAR NOT NULL,
  updated_at BIGINT NOT NULL,
  body VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS models (
  name VARCHAR NOT NULL,
  version INTEGER NOT NULL,
  status VARCHAR NOT NULL,
  summary VARCHAR NOT NULL,
  artifact VARCHAR NOT NULL,
  PRIMARY KEY (name, version)
);
`;

/**
 * The latest row per tag in the log: newest ts, and on equal ts the row appended last (rowids grow with
 * appends; the log is never updated in place, only appended to and deleted from, which keeps their order).
 */
export const LOAD_LATEST = `SELECT tag_id, ts::DOUBLE AS ts, value, quality FROM (
  SELECT *, row_number() OVER (PARTITION BY tag_id ORDER BY ts DESC, rowid DESC) AS pick FROM latest_log
) WHERE pick = 1`;
