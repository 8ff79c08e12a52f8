# syntax=docker/dockerfile:1
#
# One image for every service of Jing'an One Graph. The command chooses which (docs/deploy.md):
#
#   docker run IMAGE gateway/main.ts                     the gateway (the default command)
#   docker run IMAGE scripts/subgraph.ts health          one departmental subgraph (catalog, health, … audit)
#   docker run IMAGE legacy/cityParkingPlatform/main.ts  the city parking platform simulator (development only)
#
# No Docker engine runs in CI, so `npm run deploy:check` lints what can be checked offline: the Node version of the
# base image against package.json, the non-root user, `npm ci --omit=dev`, the entry files, and that every package
# the services import is a production dependency (scripts/deploy/dockerfile.ts).

# The same Node release as the `node` devDependency that runs `npm test` (package.json).
ARG NODE_IMAGE=node:24.21.0-trixie-slim

# --- build: every dependency, because the Prisma CLI that generates the clients is a devDependency ------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts off: the `node` devDependency would fetch a second Node (the image has one), and the project's own
# postinstall needs sources that are not copied yet. The Prisma clients are generated explicitly below instead.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/generate.ts ./scripts/generate.ts
# Writes subgraphs/<name>/generated/prisma for every prisma/<name>/schema.prisma (no engine download: see STACK.md).
RUN node --import tsx scripts/generate.ts
# The portal (docs/portal.md): a static build with the dev dependencies (Vite, React, GraphiQL), copied below.
COPY schema ./schema
COPY portal ./portal
COPY scripts/buildPortal.ts ./scripts/buildPortal.ts
RUN node --import tsx scripts/buildPortal.ts

# --- runtime: production dependencies, the sources, the generated clients; nothing writable but /tmp ----------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
# tsx is a production dependency: the services run their TypeScript through it, as `npm start` and the tests do.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
COPY tsconfig.json ./
COPY lib ./lib
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY legacy ./legacy
COPY registry ./registry
COPY scripts/subgraph.ts scripts/auditVerify.ts scripts/composeSupergraph.ts scripts/oneDataOneSource.ts ./scripts/
COPY schema ./schema
COPY prisma ./prisma
COPY --from=build /app/subgraphs ./subgraphs
COPY --from=build /app/portal/dist ./portal/dist
# The files belong to root and are only readable by the service: it cannot change its own code.
USER 1000:1000
EXPOSE 4000 4101-4110 4199
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["gateway/main.ts"]
