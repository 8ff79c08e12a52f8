/**
 * A small foreign graph, as an integrator would bring: two plain Apollo subgraphs (books, reviews) that know
 * nothing of this repository's kit. Used to prove the gateway serves any Federation 2 supergraph.
 */
import type { IncomingHttpHeaders } from "node:http";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { gql } from "graphql-tag";
import { composeSupergraph, type SubgraphDefinition } from "../../scripts/composeSupergraph.ts";

/** An integrator marks what anonymous callers may read with the district's composed `@public` directive. */
const ACCESS_LINK = `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])
    @link(url: "https://specs.jingan.gov.cn/one-graph/access/v0.1", import: ["@public"])
    @composeDirective(name: "@public")
  directive @public on FIELD_DEFINITION | OBJECT | INTERFACE
`;

const booksTypeDefs = (withYear: boolean) => gql`
  ${ACCESS_LINK}
  type Book @key(fields: "id") @public {
    id: ID!
    title: String!
    "Books like this one (recursive: for depth and cost tests)."
    similar: [Book!]!
    ${withYear ? "year: Int!" : ""}
  }
  type Query {
    books: [Book!]! @public
    failing: String @public
    "Not public: anonymous callers are refused."
    bookCount: Int!
  }
`;

const reviewsTypeDefs = gql`
  ${ACCESS_LINK}
  type Book @key(fields: "id") @public {
    id: ID!
    reviews: [Review!]!
  }
  type Review @public {
    stars: Int!
  }
  type Query {
    slowReviewCount(ms: Int!): Int! @public
  }
`;

const BOOKS = [
  { id: "b1", title: "长恨歌", year: 1995 },
  { id: "b2", title: "繁花", year: 2012 },
];

export interface RunningSubgraph {
  name: string;
  url: string;
  /** Headers of every request received, newest last. */
  received: IncomingHttpHeaders[];
  stop(): Promise<void>;
}

async function serve(name: string, server: ApolloServer<{ headers: IncomingHttpHeaders }>, port = 0) {
  const received: IncomingHttpHeaders[] = [];
  const { url } = await startStandaloneServer(server, {
    listen: { port, host: "127.0.0.1" },
    context: async ({ req }) => {
      received.push(req.headers);
      return { headers: req.headers };
    },
  });
  return { name, url, received, stop: () => server.stop() } satisfies RunningSubgraph;
}

export async function startBooks(options: { withYear?: boolean; port?: number } = {}): Promise<RunningSubgraph> {
  const withYear = options.withYear ?? false;
  const server = new ApolloServer<{ headers: IncomingHttpHeaders }>({
    schema: buildSubgraphSchema({
      typeDefs: booksTypeDefs(withYear),
      resolvers: {
        Query: {
          books: () => BOOKS,
          bookCount: () => BOOKS.length,
          failing: () => {
            throw new Error("connect ECONNREFUSED 10.0.3.7:5432 at Pool.connect (/srv/books/db.js:12:7)");
          },
        },
        Book: {
          __resolveReference: (ref: { id: string }) => BOOKS.find((b) => b.id === ref.id),
          similar: (book: { id: string }) => BOOKS.filter((b) => b.id !== book.id),
        },
      },
    }),
  });
  return serve("books", server, options.port);
}

export async function startReviews(options: { delayMs?: number; port?: number } = {}): Promise<RunningSubgraph> {
  const server = new ApolloServer<{ headers: IncomingHttpHeaders }>({
    schema: buildSubgraphSchema({
      typeDefs: reviewsTypeDefs,
      resolvers: {
        Query: {
          slowReviewCount: async (_: unknown, { ms }: { ms: number }) => {
            await new Promise((resolve) => setTimeout(resolve, ms));
            return 7;
          },
        },
        Book: {
          reviews: async (book: { id: string }) => {
            if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
            return book.id === "b1" ? [{ stars: 5 }, { stars: 4 }] : [{ stars: 3 }];
          },
        },
      },
    }),
  });
  return serve("reviews", server, options.port);
}

export function composeForeignSupergraph(
  books: { url: string },
  reviews: { url: string },
  options: {
    withYear?: boolean /** District subgraphs composed beside the foreign two (e.g. identity). */;
    extra?: SubgraphDefinition[];
  } = {},
): string {
  const outcome = composeSupergraph([
    { name: "books", url: books.url, typeDefs: booksTypeDefs(options.withYear ?? false) },
    { name: "reviews", url: reviews.url, typeDefs: reviewsTypeDefs },
    ...(options.extra ?? []),
  ]);
  if (!outcome.ok) throw new Error(outcome.errors.join("\n"));
  return outcome.supergraphSdl;
}
