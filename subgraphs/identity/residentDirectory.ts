/**
 * The register of residence (居住地登记) as the other subgraphs need it for jurisdiction: resident id → street, in
 * batches. `POST /residents/streets` answers only callers presenting the directory key (RESIDENT_DIRECTORY_KEY, shared
 * with the subgraphs; subgraphs/kit/residentDirectory.ts is the client), because where a resident lives is personal
 * data. It answers streets only: no names, no numbers.
 */
import { errorBody } from "../../lib/errors.ts";
import { answerThenClose, bodyStillArriving, type Route, sendJson } from "../../lib/http/graphqlHttp.ts";
import { parseJsonBody, RequestBodyError, readBody, requireContentType } from "../../lib/http/requestBody.ts";
import type { RouteDependencies } from "../kit/module.ts";
import {
  isDirectoryKey,
  RESIDENT_DIRECTORY_BATCH,
  RESIDENT_DIRECTORY_PATH,
  type ResidentDirectory,
} from "../kit/residentDirectory.ts";
import type { IdentityPrisma } from "./loaders.ts";

const MAX_BODY_BYTES = 64 * 1024;
const MAX_ID_LENGTH = 64;

/** The register read from this service's own database, one query per batch. */
export function databaseResidentDirectory(prisma: IdentityPrisma): ResidentDirectory {
  return {
    async streetsOf(ids) {
      const wanted = ids.filter((id) => typeof id === "string" && id.length <= MAX_ID_LENGTH);
      if (wanted.length === 0) return new Map();
      const rows = await prisma.resident.findMany({
        where: { id: { in: [...new Set(wanted)] } },
        select: { id: true, streetId: true },
      });
      return new Map(rows.map((row) => [row.id, row.streetId]));
    },
  };
}

export function residentDirectoryRoutes(
  { prisma, log }: RouteDependencies<IdentityPrisma>,
  { key }: { key: string | null },
): Record<string, Route> {
  const directory = databaseResidentDirectory(prisma);
  const refuse = (
    res: Parameters<Route>[1],
    status: number,
    code: Parameters<typeof errorBody>[0],
    message: string,
  ) => {
    res.statusCode = status;
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.end(errorBody(code, message));
  };
  return {
    [RESIDENT_DIRECTORY_PATH]: async (req, res) => {
      res.setHeader("cache-control", "no-store");
      const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (req.method !== "POST") {
        req.resume();
        refuse(res, 405, "BAD_REQUEST", "POST a JSON body { ids: [...] } to look residents up.");
        return;
      }
      if (!isDirectoryKey(presented, key ?? undefined)) {
        req.resume();
        log.warn("resident directory request without the directory key refused");
        refuse(res, 401, "AUTHENTICATION_REQUIRED", "Only the district's subgraphs may read the resident directory.");
        return;
      }
      let ids: unknown;
      try {
        requireContentType(req, ["application/json"]);
        ids = (parseJsonBody(await readBody(req, MAX_BODY_BYTES), { maxDepth: 2 }) as { ids?: unknown } | null)?.ids;
      } catch (error) {
        if (!(error instanceof RequestBodyError)) throw error;
        if (bodyStillArriving(req)) answerThenClose(req, res, error.status, errorBody(error.code, error.message));
        else refuse(res, error.status, error.code, error.message);
        return;
      }
      if (
        !Array.isArray(ids) ||
        ids.length > RESIDENT_DIRECTORY_BATCH ||
        !ids.every((id) => typeof id === "string" && id.length <= MAX_ID_LENGTH)
      ) {
        refuse(
          res,
          400,
          "BAD_USER_INPUT",
          `Send { "ids": [...] }: at most ${RESIDENT_DIRECTORY_BATCH} resident ids of at most ${MAX_ID_LENGTH} characters.`,
        );
        return;
      }
      const streets = await directory.streetsOf(ids as string[]);
      sendJson(res, 200, { streets: Object.fromEntries(streets) });
    },
  };
}
