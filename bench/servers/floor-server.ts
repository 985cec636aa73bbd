// The per-request floor: the least a Node server must do per HubSpot request (read the body, check the v3 HMAC,
// JSON.parse, answer 204). No per-event work at all; see floor-per-event-server.ts for the floor the listener is held to.
import { serveSignedBatches } from "./signed-http";

serveSignedBatches((text) => JSON.parse(text));
