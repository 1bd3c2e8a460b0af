// Every route plugin of the server, one line each.
import type { RoutePlugin } from "../app.js";
import { healthRoutes } from "./health.js";
import { scanRoutes } from "./scans.js";
import { imageRoutes } from "./images.js";
import { advisoryRoutes } from "./advisories.js";
import { reportRoutes } from "./reports.js";
import { harborRoutes } from "./harbor.js";
import { notificationRoutes } from "./notifications.js";
import { watchRoutes } from "./watches.js";
import { dashboardRoutes } from "./dashboard.js";
import { integrationJobs } from "./integrations.js";
import { k8sRoutes } from "./k8s.js";
import { alertRoutes } from "./alerts.js";

export const ROUTES: readonly RoutePlugin[] = [
  healthRoutes,
  scanRoutes,
  imageRoutes,
  advisoryRoutes,
  reportRoutes,
  harborRoutes,
  notificationRoutes,
  watchRoutes,
  dashboardRoutes,
  integrationJobs,
  k8sRoutes,
  alertRoutes,
];
