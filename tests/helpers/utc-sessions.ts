/** Environment that makes every session show times in UTC: DuckDB follows TZ, the pg driver PGOPTIONS. */
export const UTC_SESSIONS = { TZ: 'UTC', PGOPTIONS: '-c TimeZone=UTC' } as const;
