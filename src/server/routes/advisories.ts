import type { RoutePlugin } from "../app.js";

export const advisoryRoutes: RoutePlugin = () => {};
