// An in-memory SCIM 2.0 gateway, the cold benchmark's baseline (`cold --baseline node`): what jelhub/scimgateway with
// its in-memory plugin is, built from the SCIMMY library and its express routers, which are on the npm registry.
// SCIMMY parses requests, validates against the User/Group schemas, applies PATCH operations and formats responses;
// this file only stores resources.
//
//   node server.js --port 8880 --token SECRET      (or PORT and GATEWAY_TOKEN in the environment)
import {randomUUID} from "node:crypto";
import {parseArgs} from "node:util";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

const {values: args} = parseArgs({options: {port: {type: "string"}, token: {type: "string"}}});
const port = Number(args.port ?? process.env.PORT ?? 8880);
const token = args.token ?? process.env.GATEWAY_TOKEN;
if (!token) {
    console.error("usage: node server.js --port PORT --token TOKEN (or PORT and GATEWAY_TOKEN)");
    process.exit(2);
}

// One store per resource type: resources by id, and the ids by the attribute the service provider keeps unique
// (userName, case-insensitively as RFC 7643 defines it), so that `userName eq` is a lookup, as an indexed store's is.
function declare(Resource, uniqueAttribute, config) {
    const byId = new Map();
    const idByKey = new Map();
    const key = (resource) => resource[uniqueAttribute]?.toLowerCase();
    const notFound = (id) => new SCIMMY.Types.Error(404, null, `Resource ${id} not found`);

    SCIMMY.Resources.declare(Resource, config);
    Resource
        // POST, PUT, and PATCH once SCIMMY has applied the operations to what egress returned.
        .ingress((resource, instance) => {
            const existing = resource.id ? byId.get(resource.id) : undefined;
            if (resource.id && !existing) throw notFound(resource.id);

            const stored = JSON.parse(JSON.stringify(instance));
            const otherId = uniqueAttribute ? idByKey.get(key(stored)) : undefined;
            if (otherId !== undefined && otherId !== resource.id) {
                throw new SCIMMY.Types.Error(409, "uniqueness", `${uniqueAttribute} ${stored[uniqueAttribute]} is already in use`);
            }

            const now = new Date().toISOString();
            stored.id = existing?.id ?? randomUUID();
            stored.meta = {resourceType: Resource.schema.definition.name, created: existing?.meta.created ?? now, lastModified: now};
            if (existing && uniqueAttribute) idByKey.delete(key(existing));
            if (uniqueAttribute) idByKey.set(key(stored), stored.id);
            byId.set(stored.id, stored);
            return stored;
        })
        .egress((resource) => {
            if (resource.id) return byId.get(resource.id) ?? (() => { throw notFound(resource.id); })();

            const filter = resource.filter;
            const [only] = filter ?? [];
            const [operator, value] = (uniqueAttribute && filter?.length === 1 && Object.keys(only).length === 1 && only[uniqueAttribute]) || [];
            if (operator === "eq" && typeof value === "string") {
                const id = idByKey.get(value.toLowerCase());
                return id === undefined ? [] : [byId.get(id)];
            }

            const all = [...byId.values()];
            return filter ? filter.match(all) : all;
        })
        .degress((resource) => {
            const existing = byId.get(resource.id);
            if (!existing) throw notFound(resource.id);
            if (uniqueAttribute) idByKey.delete(key(existing));
            byId.delete(resource.id);
        });
}

declare(SCIMMY.Resources.User, "userName", {extensions: [{schema: SCIMMY.Schemas.EnterpriseUser, required: false}]});
declare(SCIMMY.Resources.Group, null, {});

const app = express();
app.disable("x-powered-by");
// For the benchmark to know the gateway is up, as the bridge's /healthz.
app.get("/healthz", (req, res) => res.send("ok"));
app.use("/scim/v2", new SCIMMYRouters({
    type: "bearer",
    handler: (request) => {
        if (request.header("Authorization") !== `Bearer ${token}`) throw new Error("Invalid bearer token");
        return "benchmark";
    },
}));

app.listen(port, "127.0.0.1", () => console.log(`in-memory SCIM gateway on http://127.0.0.1:${port}/scim/v2`));
