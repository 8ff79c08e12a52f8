/**
 * The status rules of a bundled-service application (一件事申请), pure so that the mutation, the seed and the tests
 * share them:
 *
 *   SUBMITTED ──> ACCEPTED ──> IN_REVIEW (item 1) ──> IN_REVIEW (item 2) … ──> APPROVED ──> COMPLETED
 *       │                          │  (each item, by its department)
 *       ├──> RETURNED_FOR_CORRECTION <──┤        ──> SUBMITTED again (review resumes at the item that returned it)
 *       └──> REJECTED <────────────────┘
 *
 * The comprehensive window (综合窗口, 区行政服务中心) accepts, returns or rejects at intake and completes the bundle;
 * each department reviews its own item in the bundle's order and may return or reject it. APPROVED comes only from
 * the review of the last item. REJECTED and COMPLETED are final.
 */
import type { ServiceApplicationStatus } from "./generated/prisma/client.ts";
import { ADMIN_SERVICE_DEPARTMENT_ID } from "./jinganEnterprises.ts";

export interface WorkflowItem {
  id: string;
  departmentId: string;
  name: string;
}

export interface WorkflowState {
  status: ServiceApplicationStatus;
  /** The item under review, or the one review resumes at; null before review starts and after completion. */
  currentItemId: string | null;
}

export interface Transition {
  status: ServiceApplicationStatus;
  currentItemId: string | null;
  /** Who acts: the window for intake and completion, the item's department during review. */
  departmentId: string;
  /** The item the event concerns, if any. */
  serviceItemId: string | null;
}

/** Statuses that must say why (the applicant has to know what to correct, or why not). */
export const NOTE_REQUIRED: ReadonlySet<ServiceApplicationStatus> = new Set(["REJECTED", "RETURNED_FOR_CORRECTION"]);

export const FINAL_STATUSES: ReadonlySet<ServiceApplicationStatus> = new Set(["REJECTED", "COMPLETED"]);

function itemIndex(state: WorkflowState, items: readonly WorkflowItem[]): number {
  return state.currentItemId === null ? -1 : items.findIndex((item) => item.id === state.currentItemId);
}

/** The statuses an application may move to next, in the order they are offered. */
export function allowedNextStatuses(
  state: WorkflowState,
  items: readonly WorkflowItem[],
): ServiceApplicationStatus[] {
  switch (state.status) {
    case "SUBMITTED":
      return ["ACCEPTED", "RETURNED_FOR_CORRECTION", "REJECTED"];
    case "ACCEPTED":
      return ["IN_REVIEW"];
    case "IN_REVIEW":
      return itemIndex(state, items) < items.length - 1
        ? ["IN_REVIEW", "RETURNED_FOR_CORRECTION", "REJECTED"]
        : ["APPROVED", "RETURNED_FOR_CORRECTION", "REJECTED"];
    case "RETURNED_FOR_CORRECTION":
      return ["SUBMITTED"];
    case "APPROVED":
      return ["COMPLETED"];
    case "REJECTED":
    case "COMPLETED":
      return [];
  }
}

/**
 * What moving to `to` means, or a sentence explaining why it is not allowed (naming the allowed next statuses).
 * `items` are the bundle's items in review order.
 */
export function planTransition(
  state: WorkflowState,
  to: ServiceApplicationStatus,
  items: readonly WorkflowItem[],
): { ok: true; transition: Transition } | { ok: false; reason: string } {
  const allowed = allowedNextStatuses(state, items);
  if (!allowed.includes(to)) return { ok: false, reason: refusal(state, to, items, allowed) };
  const index = itemIndex(state, items);
  const current = index >= 0 ? items[index]! : null;
  const window = (currentItemId: string | null): Transition => ({
    status: to,
    currentItemId,
    departmentId: ADMIN_SERVICE_DEPARTMENT_ID,
    serviceItemId: null,
  });
  const byItem = (item: WorkflowItem): Transition => ({
    status: to,
    currentItemId: item.id,
    departmentId: item.departmentId,
    serviceItemId: item.id,
  });
  switch (to) {
    case "ACCEPTED":
    case "SUBMITTED":
      return { ok: true, transition: window(state.currentItemId) };
    case "IN_REVIEW": {
      // From ACCEPTED: start with the first item, or resume at the one that returned the application.
      const next = state.status === "ACCEPTED" ? (current ?? items[0]!) : items[index + 1]!;
      return { ok: true, transition: byItem(next) };
    }
    case "APPROVED":
      return { ok: true, transition: byItem(current!) };
    case "RETURNED_FOR_CORRECTION":
    case "REJECTED":
      return { ok: true, transition: state.status === "IN_REVIEW" ? byItem(current!) : window(state.currentItemId) };
    case "COMPLETED":
      return { ok: true, transition: window(null) };
  }
}

function refusal(
  state: WorkflowState,
  to: ServiceApplicationStatus,
  items: readonly WorkflowItem[],
  allowed: ServiceApplicationStatus[],
): string {
  const index = itemIndex(state, items);
  const where =
    state.status === "IN_REVIEW" && index >= 0
      ? ` (reviewing item ${index + 1} of ${items.length}, ${items[index]!.name})`
      : "";
  if (allowed.length === 0) {
    return `The application is ${state.status}${where}, a final status: it cannot move to ${to} or anywhere else. Submit a new application instead.`;
  }
  const hint =
    to === "APPROVED" && state.status === "IN_REVIEW"
      ? " Every item must be reviewed first: move to IN_REVIEW for the next item."
      : "";
  return `The application is ${state.status}${where}; it can move to ${joinOr(allowed)}, not ${to}.${hint}`;
}

function joinOr(values: readonly string[]): string {
  return values.length <= 1 ? (values[0] ?? "") : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
}
