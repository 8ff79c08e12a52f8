-- The chain starts here: the first record's prevHash is 64 zeros and its sequence 1 (docs/audit.md).
INSERT INTO "AuditChainHead" ("id", "sequence", "hash", "updatedAt")
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', CURRENT_TIMESTAMP);
