import { useEffect, useState } from "react";
import { Box, InlineStack, Select, Tabs, TextField } from "@shopify/polaris";
import { PERIODS, type Period, type SyncLogQuery } from "../models/sync-log-query";
import { FILTER_WORDS } from "../models/state-words";
import type { StatusFilter } from "../models/sync-status";

export interface SyncLogFiltersProps {
  query: SyncLogQuery;
  counts: Record<StatusFilter, number>;
  /** Applies URL changes (null removes a parameter); every change starts again at page 1. */
  onChange(changes: Record<string, string | null>): void;
}

/** The sync log's state tabs, search, and period: a preset or a from/to date range. */
export function SyncLogFilters({ query, counts, onChange }: SyncLogFiltersProps) {
  const tabs = (Object.keys(FILTER_WORDS) as StatusFilter[]).map((key) => ({
    id: key,
    content: `${FILTER_WORDS[key].label} (${counts[key]})`,
  }));

  // Search as you type, without a request per keystroke.
  const [search, setSearch] = useState(query.q);
  useEffect(() => {
    if (search === query.q) return;
    const timer = setTimeout(() => onChange({ q: search }), 350);
    return () => clearTimeout(timer);
  }, [search]);

  // A custom range applies once both days are set and in order.
  const [from, setFrom] = useState(query.from ?? "");
  const [to, setTo] = useState(query.to ?? "");
  const rangeError = from && to && from > to ? "The start date is after the end date." : undefined;
  const applyRange = (nextFrom: string, nextTo: string) => {
    if (nextFrom && nextTo && nextFrom <= nextTo) onChange({ period: "custom", from: nextFrom, to: nextTo });
  };

  const choosePeriod = (value: string) => {
    const period = value as Period;
    if (period !== "custom") return onChange({ period: period === "30" ? null : period, from: null, to: null });
    // Start from the preset that was shown, so the range is never empty.
    const today = new Date().toISOString().slice(0, 10);
    const start = from || new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    setFrom(start);
    setTo(to || today);
    onChange({ period: "custom", from: start, to: to || today });
  };

  return (
    <>
      <Tabs
        tabs={tabs}
        selected={Math.max(
          0,
          tabs.findIndex((tab) => tab.id === query.status),
        )}
        onSelect={(index) => onChange({ status: tabs[index]?.id === "all" ? null : (tabs[index]?.id ?? null) })}
      />
      <Box padding="300">
        {/* On a phone the search takes the whole line (its placeholder fits) and the period goes under it. */}
        <InlineStack gap="300" blockAlign="start">
          <div style={{ flex: "1 1 16rem", minWidth: 0 }}>
            <TextField
              label="Search by order number, customer name or email"
              labelHidden
              placeholder="Order #, name or email"
              autoComplete="off"
              value={search}
              onChange={setSearch}
              clearButton
              onClearButtonClick={() => setSearch("")}
            />
          </div>
          <Select
            label="Period"
            labelInline
            options={Object.entries(PERIODS).map(([value, label]) => ({ value, label }))}
            value={query.period}
            onChange={choosePeriod}
          />
          {query.period === "custom" ? (
            <>
              <TextField
                label="From"
                labelHidden
                prefix="From"
                type="date"
                autoComplete="off"
                value={from}
                onChange={(value) => {
                  setFrom(value);
                  applyRange(value, to);
                }}
                error={rangeError}
              />
              <TextField
                label="To"
                labelHidden
                prefix="To"
                type="date"
                autoComplete="off"
                value={to}
                onChange={(value) => {
                  setTo(value);
                  applyRange(from, value);
                }}
              />
            </>
          ) : null}
        </InlineStack>
      </Box>
    </>
  );
}
