-- Onboarding as data: each department's manifest (roles, scopes, policy names, purposes, data-catalogue entries)
-- stored with the schema version it was published with, and the names it claims, so that no two departments claim
-- one name. Delivery to identity and catalog is recorded per manifest (docs/registry.md).
CREATE TABLE department_manifest (
  subgraph text NOT NULL,
  version integer NOT NULL,
  department_id text NOT NULL,
  manifest jsonb NOT NULL,
  -- PENDING: stored with a version that is not active yet; DELIVERED: identity and catalog answered 2xx;
  -- FAILED: a delivery failed (delivery_error says which); the version was not activated.
  delivery text NOT NULL DEFAULT 'PENDING' CHECK (delivery IN ('PENDING', 'DELIVERED', 'FAILED')),
  delivery_error text,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subgraph, version),
  FOREIGN KEY (subgraph, version) REFERENCES schema_version (subgraph, version)
);

-- Every name a department's manifest claims: a scope, role, policy, purpose or data resource belongs to one department.
CREATE TABLE manifest_claim (
  kind text NOT NULL,
  name text NOT NULL,
  department_id text NOT NULL,
  subgraph text NOT NULL REFERENCES registered_subgraph (name),
  PRIMARY KEY (kind, name)
);
