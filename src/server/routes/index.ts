// Every route plugin of the server, one line each.
import type { RoutePlugin } from "../app.js";
import { healthRoutes } from "./health.js";
import { scanRoutes } from "./scans.js";
import { imageRoutes } from "./images.js";
import { advisoryRoutes } from "./advisories.js";
import { reportRoutes } from "./reports.js";

export const ROUTES: readonly RoutePlugin[] = [
  healthRoutes,
  scanRoutes,
  imageRoutes,
  advisoryRoutes,
  reportRoutes,
];
