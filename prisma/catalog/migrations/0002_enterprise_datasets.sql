-- Datasets catalogued about or from an enterprise (the enterprise dossier). The enterprise is owned by the
-- enterprise subgraph, so this is a plain id, not a foreign key.
ALTER TABLE "DataResource" ADD COLUMN "enterpriseId" TEXT;

CREATE INDEX "DataResource_enterpriseId_id_idx" ON "DataResource"("enterpriseId", "id");
