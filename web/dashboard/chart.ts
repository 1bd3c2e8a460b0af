// Findings by severity over time: uPlot, one line per severity.
import uPlot from "uplot";
import type { Overview, Severity } from "./types.js";
import { SEVERITIES } from "./types.js";

const COLORS: Record<Severity, string> = { CRITICAL: "#8b0000", HIGH: "#c2410c", MEDIUM: "#a16207", LOW: "#1d4ed8", UNKNOWN: "#4b5563" };

export function drawHistory(el: HTMLElement, history: Overview["history"]): () => void {
  const xs = history.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  const data: uPlot.AlignedData = [xs, ...SEVERITIES.map((s) => history.series[s] ?? xs.map(() => 0))];
  const plot = new uPlot(
    {
      width: Math.max(300, el.clientWidth || 640),
      height: 240,
      series: [{}, ...SEVERITIES.map((s) => ({ label: s.toLowerCase(), stroke: COLORS[s], width: 2 }))],
      axes: [{}, { label: "open findings" }],
      scales: { x: { time: true } },
    },
    data,
    el,
  );
  return () => plot.destroy();
}
