-- The schema registry (接入管理): subgraphs with their owner department, every SDL version published, the composed
-- supergraph revisions gateways load, and the field usage gateways report.
CREATE TABLE registered_subgraph (
  name text PRIMARY KEY,
  department_id text NOT NULL,
  routing_url text NOT NULL,
  -- The version composed into the current supergraph; null until a first version is approved.
  active_version integer,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE schema_version (
  subgraph text NOT NULL REFERENCES registered_subgraph (name),
  version integer NOT NULL,
  sdl text NOT NULL,
  routing_url text NOT NULL,
  -- ACTIVE: approved (or needing no approval) and composed; PENDING: waits for a security administrator's approval;
  -- SUPERSEDED: an older version, kept for history and rollback.
  status text NOT NULL CHECK (status IN ('ACTIVE', 'PENDING', 'SUPERSEDED', 'REJECTED')),
  published_by text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  approved_by text,
  approved_at timestamptz,
  -- The publish report: composition, changes (breaking, dangerous, safe), security-relevant changes, rule violations.
  report jsonb NOT NULL,
  PRIMARY KEY (subgraph, version)
);

CREATE TABLE supergraph_revision (
  revision serial PRIMARY KEY,
  sdl text NOT NULL,
  -- What made it: "publish health v3 by person-…", "rollback health to v2 by …".
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE field_usage (
  coordinate text NOT NULL,
  client text NOT NULL,
  hour timestamptz NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (coordinate, client, hour)
);
CREATE INDEX field_usage_hour ON field_usage (hour);
