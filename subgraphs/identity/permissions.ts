/**
 * Who may call what in the identity subgraph. `me` answers every caller about themselves (null when anonymous);
 * the account and login audit lists are for security administrators and auditors; account administration is for
 * security administrators; changing one's own password for any person with an account. Access policies are read by
 * security administrators and auditors and changed (and simulated) by security administrators only. A resident's personal fields
 * (name, masked id number, phone) keep their own per-record check in the resolvers.
 */
import { mayReachResident } from "../kit/actingResident.ts";
import { rowRule } from "../kit/rowRule.ts";
import { hasRole, isApp, isPerson, isSecurityAdmin, or, publicField, type SubgraphPermissions } from "../kit/shield.ts";
import type { Resident } from "./generated/prisma/client.ts";
import type { IdentityContext } from "./loaders.ts";

/**
 * The row rule of `Resident` (属地管理), on every path here — `_entities`, `Me.resident`, `IdentityPerson.resident` —
 * and in every subgraph that extends the type (`mayReachResident` in the kit): the resident themself; an officer whose
 * jurisdiction holds the resident's registered street (department narrows further in the field policies, e.g.
 * `resident-identity`); security administrators. Nobody else: an auditor, an application or an officer of another
 * street gets null, exactly as for a resident who does not exist.
 */
export const residentRows = rowRule<Resident, IdentityContext>("Resident", (resident, context) =>
  mayReachResident(context, resident.id, resident.streetId),
);

const adminOrAuditor = hasRole("security_admin", "auditor");
const officerOrAdmin = hasRole("officer", "security_admin");

export const permissions: SubgraphPermissions = {
  Query: {
    me: publicField,
    people: adminOrAuditor,
    loginAttempts: adminOrAuditor,
    integratorApps: adminOrAuditor,
    integratorApp: adminOrAuditor,
    // Access policies (授权管理): read by admins and auditors, simulated and changed by admins only.
    accessPolicies: adminOrAuditor,
    accessPolicy: adminOrAuditor,
    accessPolicyChanges: adminOrAuditor,
    simulateAccess: isSecurityAdmin,
    // The purpose registry (处理目的登记): the same split as access policies.
    purposes: adminOrAuditor,
    purpose: adminOrAuditor,
    purposeChanges: adminOrAuditor,
    // Resource management (资源管理): rate limits like policies; usage also for an app, its own (row rule in the resolver).
    rateLimits: adminOrAuditor,
    rateLimitChanges: adminOrAuditor,
    usage: or(adminOrAuditor, isApp),
  },
  Mutation: {
    createPerson: isSecurityAdmin,
    disablePerson: isSecurityAdmin,
    enablePerson: isSecurityAdmin,
    assignRoles: isSecurityAdmin,
    resetCredentials: isSecurityAdmin,
    registerIntegratorApp: isSecurityAdmin,
    // The app lifecycle (接入管理): a department's officer requests, rotates and registers operations for its own apps
    // (checked per app in apps/appLifecycle.ts); approval, rejection, disabling, expiry and trust mode are for admins.
    requestIntegratorApp: officerOrAdmin,
    rotateAppSecret: officerOrAdmin,
    approveIntegratorApp: isSecurityAdmin,
    rejectIntegratorApp: isSecurityAdmin,
    disableIntegratorApp: isSecurityAdmin,
    enableIntegratorApp: isSecurityAdmin,
    setIntegratorAppExpiry: isSecurityAdmin,
    setIntegratorAppTrustedDocuments: isSecurityAdmin,
    rotateSigningKey: isSecurityAdmin,
    unlockAccount: isSecurityAdmin,
    changeMyPassword: isPerson,
    draftAccessPolicy: isSecurityAdmin,
    enableAccessPolicyVersion: isSecurityAdmin,
    disableAccessPolicy: isSecurityAdmin,
    draftPurpose: isSecurityAdmin,
    enablePurposeVersion: isSecurityAdmin,
    disablePurpose: isSecurityAdmin,
    setRateLimit: isSecurityAdmin,
    clearRateLimit: isSecurityAdmin,
  },
};
