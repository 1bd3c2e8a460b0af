import type { RoutePlugin } from "../app.js";

export const reportRoutes: RoutePlugin = () => {};
