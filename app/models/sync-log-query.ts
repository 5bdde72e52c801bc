import { z } from "zod";
import { STATUS_FILTERS, type StatusFilter } from "./sync-status";

/**
 * The sync log's URL: state tab, search, period (a preset or a custom from/to, calendar days in
 * UTC like the chart) and the page cursors. Shared by the loader and the filter bar.
 */
export const PERIODS = { "7": "Last 7 days", "30": "Last 30 days", "90": "Last 90 days", custom: "Custom range" } as const;
export type Period = keyof typeof PERIODS;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = z
  .string()
  .regex(DAY)
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
  .optional()
  .catch(undefined);

export const syncLogQuerySchema = z.object({
  status: z.enum(Object.keys(STATUS_FILTERS) as [StatusFilter, ...StatusFilter[]]).catch("all"),
  period: z.enum(Object.keys(PERIODS) as [Period, ...Period[]]).catch("30"),
  from: day,
  to: day,
  q: z.string().max(200).catch(""),
  after: z.string().max(200).optional().catch(undefined),
  before: z.string().max(200).optional().catch(undefined),
});
export type SyncLogQuery = z.infer<typeof syncLogQuerySchema>;

/** The longest custom range (the chart has a bar per day). */
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

/**
 * The period as [from, to) instants. A custom range includes its last day; an incomplete,
 * reversed or too long one falls back to the last 30 days (and says so through `custom: false`).
 */
export function resolvePeriod(query: SyncLogQuery, now: Date = new Date()): { from: Date; to: Date; custom: boolean } {
  if (query.period === "custom" && query.from && query.to) {
    const from = new Date(`${query.from}T00:00:00Z`);
    const to = new Date(new Date(`${query.to}T00:00:00Z`).getTime() + DAY_MS);
    const days = (to.getTime() - from.getTime()) / DAY_MS;
    if (days >= 1 && days <= MAX_RANGE_DAYS) return { from, to, custom: true };
  }
  const presetDays = query.period === "custom" ? 30 : Number(query.period);
  return { from: new Date(now.getTime() - presetDays * DAY_MS), to: now, custom: false };
}
