export const FINAL_STATUSES = ['complete', 'degraded', 'failed'] as const;
