/**
 * Who may call what in the catalog subgraph. The directory of departments and streets and the open-data list are
 * public; the full data catalogue (every classification, including resources that are not open) is for officers,
 * auditors and security administrators. The catalog holds no resident's records; its row rules are below.
 */
import { isDistrictKind } from "../../lib/contracts/principal.ts";
import type { Principal } from "../../lib/principal.ts";
import { enterpriseRegisterRows, rowRule } from "../kit/rowRule.ts";
import {
  holdsScope,
  isAuditor,
  isOfficer,
  isSecurityAdmin,
  or,
  publicField,
  type SubgraphPermissions,
} from "../kit/shield.ts";
import { OPENED_STATUSES } from "./dataResourceFilter.ts";
import type { DataResource } from "./generated/prisma/client.ts";
import type { CatalogContext } from "./loaders.ts";

/** The scope the gateway asks for the restricted catalogue (`@requiresScopes(catalog:read)`). */
export const CATALOGUE_SCOPE = "catalog:read";

/** Whether the caller reads the whole catalogue, restricted (NOT_OPEN) entries included. */
export function readsWholeCatalogue(principal: Principal): boolean {
  return principal.scopes.includes(CATALOGUE_SCOPE) && isDistrictKind(principal.kind);
}

/**
 * The row rule of `DataResource`, on every path (`dataResources`, `dataResource(id)`, `Street.resources`,
 * `Department.resources` and their counts, `Enterprise.datasets`, `_entities`): holders of `catalog:read` see every
 * entry; everyone else the OPEN and CONDITIONAL ones only — what the public open-data list shows. Lists push it into
 * SQL (`DataResourceFilter.openedOnly`) so pages and counts agree.
 */
export const dataResourceRows = rowRule<DataResource, CatalogContext>(
  "DataResource",
  (resource, { principal }) => readsWholeCatalogue(principal) || OPENED_STATUSES.includes(resource.openStatus),
);

/**
 * The enterprise register: officers, and the enterprise user (法人) for its own entry — exactly as the enterprise
 * subgraph rules it (enterpriseRegisterRows), so `_entities(Enterprise)` and `Enterprise.datasets` here show an
 * enterprise user the entry the enterprise subgraph shows them (test/rows/pathEquivalence.test.ts).
 */
export const enterpriseRows = enterpriseRegisterRows<{ id: string }, CatalogContext>("Enterprise", (row) => row.id);

// Integrator applications granted catalog:read read the catalogue too (the gateway asks that scope of everyone);
// which entries each caller then sees is `dataResourceRows`.
const catalogueReader = or(isOfficer, isAuditor, isSecurityAdmin, holdsScope(CATALOGUE_SCOPE));

// Officers and security administrators may call the maintenance mutations; whether the entry is theirs (its owning
// department) is checked on the entry itself (dataResourceMaintenance.ts: DATA_RESOURCE_NOT_OWNED).
const catalogueMaintainer = or(isOfficer, isSecurityAdmin);

export const permissions: SubgraphPermissions = {
  Query: {
    departments: publicField,
    department: publicField,
    streets: publicField,
    street: publicField,
    dataResources: catalogueReader,
    dataResource: catalogueReader,
    openDataList: publicField,
  },
  Mutation: {
    createDataResource: catalogueMaintainer,
    updateDataResource: catalogueMaintainer,
    recordDataResourceRefresh: catalogueMaintainer,
  },
};
