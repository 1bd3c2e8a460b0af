import type { RoutePlugin } from "../app.js";

export const imageRoutes: RoutePlugin = () => {};
