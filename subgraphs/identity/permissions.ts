/**
 * Who may call what in the identity subgraph. `me` answers every caller about themselves (null when anonymous);
 * the account and login audit lists are for security administrators and auditors; account administration is for
 * security administrators; changing one's own password for any person with an account. Access policies are read by
 * security administrators and auditors and changed (and simulated) by security administrators only. A resident's personal fields
 * (name, masked id number, phone) keep their own per-record check in the resolvers.
 */
import { hasRole, isPerson, isSecurityAdmin, publicField, type SubgraphPermissions } from "../kit/shield.ts";

const adminOrAuditor = hasRole("security_admin", "auditor");

export const permissions: SubgraphPermissions = {
  Query: {
    me: publicField,
    people: adminOrAuditor,
    loginAttempts: adminOrAuditor,
    integratorApps: adminOrAuditor,
    // Access policies (授权管理): read by admins and auditors, simulated and changed by admins only.
    accessPolicies: adminOrAuditor,
    accessPolicy: adminOrAuditor,
    accessPolicyChanges: adminOrAuditor,
    simulateAccess: isSecurityAdmin,
    // The purpose registry (处理目的登记): the same split as access policies.
    purposes: adminOrAuditor,
    purpose: adminOrAuditor,
    purposeChanges: adminOrAuditor,
  },
  Mutation: {
    createPerson: isSecurityAdmin,
    disablePerson: isSecurityAdmin,
    enablePerson: isSecurityAdmin,
    assignRoles: isSecurityAdmin,
    resetCredentials: isSecurityAdmin,
    registerIntegratorApp: isSecurityAdmin,
    rotateSigningKey: isSecurityAdmin,
    unlockAccount: isSecurityAdmin,
    changeMyPassword: isPerson,
    draftAccessPolicy: isSecurityAdmin,
    enableAccessPolicyVersion: isSecurityAdmin,
    disableAccessPolicy: isSecurityAdmin,
    draftPurpose: isSecurityAdmin,
    enablePurposeVersion: isSecurityAdmin,
    disablePurpose: isSecurityAdmin,
  },
};
