import { describe, expect, it } from "vitest";
import { officerIn as officerOf, residentPrincipal } from "../../test/rows/principals.ts";
import { seedDateTime, seedInstant } from "../../test/support/seedDate.ts";
import { planTransition } from "./applicationWorkflow.ts";
import {
  ADVANCE,
  advance,
  errorCode,
  expectSortedUnique,
  materialsOf,
  NOW,
  prisma,
  query,
  SUBMIT,
  submitted,
  useEnterpriseSubgraph,
  walk,
} from "./enterpriseTestbed.ts";

useEnterpriseSubgraph();

describe("applications (一件事申请)", () => {
  it("filters by enterprise, status and service, and walks a service's applications with cursors", async () => {
    const body = await query(`{
      all: serviceApplications { totalCount }
      returned: serviceApplications(filter: { status: RETURNED_FOR_CORRECTION }, first: 100) {
        totalCount nodes { status currentItem { id } timeline { status note } }
      }
      hiring: serviceApplications(filter: { serviceId: "svc-hire", status: IN_REVIEW }, first: 100) {
        nodes { bundledService { id } status currentItem { bundledService { id } } }
      }
      one: serviceApplications(filter: { enterpriseId: "ent-000002" }) { nodes { enterprise { id } } }
      november: serviceApplications(filter: { submittedFrom: "${seedDateTime(-30, "00:00")}", submittedTo: "${seedDateTime(0, "00:00")}" }, first: 100) {
        nodes { submittedAt }
      }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.all.totalCount).toBeGreaterThan(2500);
    expect(body.data.returned.totalCount).toBeGreaterThan(0);
    for (const application of body.data.returned.nodes) {
      expect(application.status).toBe("RETURNED_FOR_CORRECTION");
      expect(application.timeline.at(-1).note).toBeTruthy();
    }
    expect(body.data.hiring.nodes.length).toBeGreaterThan(0);
    for (const application of body.data.hiring.nodes) {
      expect(application).toEqual({
        bundledService: { id: "svc-hire" },
        status: "IN_REVIEW",
        currentItem: { bundledService: { id: "svc-hire" } },
      });
    }
    expect(body.data.one.nodes.every((a: any) => a.enterprise.id === "ent-000002")).toBe(true);
    for (const application of body.data.november.nodes) {
      expect(
        application.submittedAt >= seedInstant(-30, "00:00").toISOString() &&
          application.submittedAt < seedInstant(0, "00:00").toISOString(),
      ).toBe(true);
    }
    const deregistrations = await prisma.serviceApplication.count({ where: { bundledServiceId: "svc-deregister" } });
    const { ids } = await walk("serviceApplications", `filter: { serviceId: "svc-deregister" }`, 50);
    expect(ids).toHaveLength(deregistrations);
    expectSortedUnique(ids);
  });

  it("seeds timelines that follow the workflow: one step at a time, in order, ending at the application's status", async () => {
    const applications = await prisma.serviceApplication.findMany({
      include: { events: { orderBy: { sequence: "asc" } } },
      orderBy: { id: "asc" },
      take: 400,
    });
    const items = await prisma.serviceItem.findMany({ orderBy: [{ bundledServiceId: "asc" }, { sequence: "asc" }] });
    const statuses = new Set<string>();
    for (const application of applications) {
      const bundle = items.filter((item) => item.bundledServiceId === application.bundledServiceId);
      const events = application.events;
      expect(events[0]).toMatchObject({ sequence: 1, status: "SUBMITTED" });
      let state = { status: events[0]!.status, currentItemId: null as string | null };
      for (const [i, event] of events.entries()) {
        expect(event.sequence).toBe(i + 1);
        if (i === 0) continue;
        expect(event.at.getTime()).toBeGreaterThan(events[i - 1]!.at.getTime());
        const plan = planTransition(state, event.status, bundle);
        expect(plan.ok).toBe(true);
        if (plan.ok) {
          expect(event.departmentId).toBe(plan.transition.departmentId);
          state = { status: plan.transition.status, currentItemId: plan.transition.currentItemId };
        }
      }
      expect(application).toMatchObject({
        status: state.status,
        currentItemId: state.currentItemId,
        version: events.length,
      });
      statuses.add(application.status);
    }
    expect([...statuses].sort()).toEqual(
      ["ACCEPTED", "APPROVED", "COMPLETED", "IN_REVIEW", "REJECTED", "RETURNED_FOR_CORRECTION", "SUBMITTED"].filter(
        (s) => statuses.has(s),
      ),
    );
    expect(statuses.has("COMPLETED") && statuses.has("IN_REVIEW")).toBe(true);
  });

  it("submits an application with the bundle's materials and starts its timeline", async () => {
    const materials = await materialsOf("svc-open-restaurant");
    const body = await query(SUBMIT, { enterpriseId: "ent-000010", serviceId: "svc-open-restaurant", materials });
    expect(body.errors).toBeUndefined();
    expect(body.data.submitApplication).toMatchObject({
      status: "SUBMITTED",
      submittedAt: NOW.toISOString(),
      allowedNextStatuses: ["ACCEPTED", "RETURNED_FOR_CORRECTION", "REJECTED"],
      timeline: [{ sequence: 1, status: "SUBMITTED", department: { id: "dept-admin-service" } }],
    });
    const read = await query(`query A($id: ID!) { serviceApplication(id: $id) { enterprise { id } materials } }`, {
      id: body.data.submitApplication.id,
    });
    expect(read.data.serviceApplication).toEqual({ enterprise: { id: "ent-000010" }, materials });
  });

  it("refuses missing materials, an unknown enterprise or an unknown service and writes nothing", async () => {
    const before = [await prisma.serviceApplication.count(), await prisma.applicationEvent.count()];
    const materials = await materialsOf("svc-open-business");
    const missing = await query(SUBMIT, {
      enterpriseId: "ent-000011",
      serviceId: "svc-open-business",
      materials: materials.filter((m) => m !== "公司章程" && m !== "银行开户信息"),
    });
    expect(errorCode(missing)).toBe("BAD_USER_INPUT");
    expect(missing.errors?.[0].message).toBe(
      "开办企业一件事 needs 2 more materials: 公司章程、银行开户信息. Add them to input.materials and submit again.",
    );
    expect(errorCode(await query(SUBMIT, { enterpriseId: "ent-999999", serviceId: "svc-hire", materials }))).toBe(
      "NOT_FOUND_ENTITY",
    );
    expect(errorCode(await query(SUBMIT, { enterpriseId: "ent-000011", serviceId: "svc-nope", materials }))).toBe(
      "NOT_FOUND_ENTITY",
    );
    expect([await prisma.serviceApplication.count(), await prisma.applicationEvent.count()]).toEqual(before);
  });

  it("moves an application through every item to completion, each step by the acting department, in order", async () => {
    const id = await submitted("ent-000012");
    expect((await advance(id, "ACCEPTED")).data.advanceApplication.allowedNextStatuses).toEqual(["IN_REVIEW"]);
    const reviewed: string[] = [];
    for (let i = 0; i < 4; i++) {
      const body = await advance(id, "IN_REVIEW");
      expect(body.errors).toBeUndefined();
      reviewed.push(body.data.advanceApplication.currentItem.name);
    }
    expect(reviewed).toEqual(["企业设立登记", "公章刻制备案", "单位社会保险登记", "单位医疗保险登记"]);
    expect((await advance(id, "APPROVED")).errors).toBeUndefined();
    const done = (await advance(id, "COMPLETED", "营业执照与印章已在综合窗口领取。")).data.advanceApplication;
    expect(done.status).toBe("COMPLETED");
    expect(done.allowedNextStatuses).toEqual([]);
    expect(done.currentItem).toBeNull();
    expect(done.timeline.map((e: any) => [e.sequence, e.status, e.department.id, e.serviceItem?.name ?? null])).toEqual(
      [
        [1, "SUBMITTED", "dept-admin-service", null],
        [2, "ACCEPTED", "dept-admin-service", null],
        // Each step by the department holding the application: the window dispatches to the first item, each
        // department passes it on to the next, the last one approves, the window completes.
        [3, "IN_REVIEW", "dept-admin-service", "企业设立登记"],
        [4, "IN_REVIEW", "dept-market", "公章刻制备案"],
        [5, "IN_REVIEW", "dept-public-security", "单位社会保险登记"],
        [6, "IN_REVIEW", "dept-human-resources", "单位医疗保险登记"],
        [7, "APPROVED", "dept-medical-insurance", "单位医疗保险登记"],
        [8, "COMPLETED", "dept-admin-service", null],
      ],
    );
    expect(done.timeline.at(-1).note).toBe("营业执照与印章已在综合窗口领取。");
  });

  it("refuses a transition the workflow does not allow, naming the allowed ones, and writes nothing", async () => {
    const id = await submitted("ent-000013");
    const events = () => prisma.applicationEvent.count({ where: { applicationId: id } });
    const skip = await advance(id, "APPROVED");
    expect(errorCode(skip)).toBe("INVALID_STATE_TRANSITION");
    expect(skip.errors?.[0].message).toBe(
      `Application "${id}": The application is SUBMITTED; it can move to ACCEPTED, RETURNED_FOR_CORRECTION or REJECTED, not APPROVED.`,
    );
    await advance(id, "ACCEPTED");
    await advance(id, "IN_REVIEW");
    const early = await advance(id, "APPROVED");
    expect(errorCode(early)).toBe("INVALID_STATE_TRANSITION");
    expect(early.errors?.[0].message).toMatch(
      /reviewing item 1 of 4, 企业设立登记\); it can move to IN_REVIEW, RETURNED_FOR_CORRECTION or REJECTED, not APPROVED/,
    );
    const noNote = await advance(id, "REJECTED");
    expect(errorCode(noNote)).toBe("BAD_USER_INPUT");
    expect(await events()).toBe(3);
    expect((await advance(id, "REJECTED", "拟用名称与已登记企业名称近似，不予登记。")).errors).toBeUndefined();
    const final = await advance(id, "SUBMITTED");
    expect(errorCode(final)).toBe("INVALID_STATE_TRANSITION");
    expect(final.errors?.[0].message).toMatch(/is REJECTED, a final status/);
    expect(await events()).toBe(4);
    expect(errorCode(await advance("app-nope", "ACCEPTED"))).toBe("NOT_FOUND_ENTITY");
  });

  it("returns an application for correction and resumes review at the item that returned it", async () => {
    const id = await submitted("ent-000014");
    await advance(id, "ACCEPTED");
    await advance(id, "IN_REVIEW");
    await advance(id, "IN_REVIEW");
    const returned = await advance(id, "RETURNED_FOR_CORRECTION", "印章刻制申请表缺少法定代表人签字。");
    expect(returned.data.advanceApplication).toMatchObject({
      status: "RETURNED_FOR_CORRECTION",
      allowedNextStatuses: ["SUBMITTED"],
      currentItem: { name: "公章刻制备案" },
    });
    expect(returned.data.advanceApplication.timeline.at(-1)).toMatchObject({
      department: { id: "dept-public-security" },
      serviceItem: { name: "公章刻制备案" },
    });
    await advance(id, "SUBMITTED", "已补正。");
    await advance(id, "ACCEPTED");
    const resumed = await advance(id, "IN_REVIEW");
    expect(resumed.data.advanceApplication.timeline.at(-1)).toMatchObject({
      status: "IN_REVIEW",
      serviceItem: { name: "公章刻制备案" },
      department: { id: "dept-admin-service" },
    });
    const held = await query(`query H($id: ID!) { serviceApplication(id: $id) { handledBy { id } } }`, { id });
    expect(held.data.serviceApplication.handledBy).toEqual({ id: "dept-public-security" });
  });

  it("lets only an officer of the department holding the application take its next step, and writes nothing otherwise", async () => {
    const id = await submitted("ent-000016");
    const events = () => prisma.applicationEvent.count({ where: { applicationId: id } });
    const byMarket = await query(ADVANCE, { id, to: "ACCEPTED" }, officerOf("dept-market"));
    expect(errorCode(byMarket)).toBe("FORBIDDEN");
    expect(byMarket.errors?.[0].message).toBe(
      `Only an officer (role officer) of dept-admin-service may move application "${id}" on now; the caller is an officer of dept-market.`,
    );
    await advance(id, "ACCEPTED");
    await advance(id, "IN_REVIEW");
    // 企业设立登记 is under review: 区市场监管局 decides, not the window and not the police.
    for (const department of ["dept-admin-service", "dept-public-security"]) {
      expect(errorCode(await query(ADVANCE, { id, to: "IN_REVIEW" }, officerOf(department)))).toBe("FORBIDDEN");
    }
    const resident = await query(ADVANCE, { id, to: "IN_REVIEW" }, residentPrincipal("resident-000123"));
    expect(errorCode(resident)).toBe("FORBIDDEN");
    expect(await events()).toBe(3);
    expect((await query(ADVANCE, { id, to: "IN_REVIEW" }, officerOf("dept-market"))).errors).toBeUndefined();
    expect(await events()).toBe(4);
  });

  it("takes submissions only from the centre's officers", async () => {
    const before = await prisma.serviceApplication.count();
    const materials = await materialsOf("svc-hire");
    for (const principal of [residentPrincipal("resident-000123"), officerOf("dept-market")]) {
      const body = await query(SUBMIT, { enterpriseId: "ent-000017", serviceId: "svc-hire", materials }, principal);
      expect(errorCode(body)).toBe("FORBIDDEN");
    }
    expect(await prisma.serviceApplication.count()).toBe(before);
  });

  it("lets exactly one of 5 simultaneous transitions of the same application through", async () => {
    const id = await submitted("ent-000015");
    const results = await Promise.all(Array.from({ length: 5 }, () => advance(id, "ACCEPTED")));
    const codes = results.map((body) => (body.errors ? errorCode(body) : "OK"));
    expect(codes.filter((code) => code === "OK")).toHaveLength(1);
    expect(codes.filter((code) => code === "INVALID_STATE_TRANSITION")).toHaveLength(4);
    const events = await prisma.applicationEvent.findMany({
      where: { applicationId: id },
      orderBy: { sequence: "asc" },
    });
    expect(events.map((e) => e.status)).toEqual(["SUBMITTED", "ACCEPTED"]);
  });
});
