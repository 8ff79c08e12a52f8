/**
 * Who may call what in the catalog subgraph. The directory of departments and streets and the open-data list are
 * public; the full data catalogue (every classification, including resources that are not open) is for officers,
 * auditors and security administrators. The catalog holds no resident's records.
 */
import { isAuditor, isOfficer, isSecurityAdmin, or, publicField, type SubgraphPermissions } from "../kit/shield.ts";

const catalogueReader = or(isOfficer, isAuditor, isSecurityAdmin);

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
};
