import type { Notice as NoticeState } from '../state/store.ts';

/** The page's one message line; role=alert so a screen reader says an error when it appears. */
export function Notice({ notice }: { notice: NoticeState | null }) {
  if (!notice) return null;
  return (
    <p class={`notice notice-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'} data-testid="notice">
      {notice.text}
    </p>
  );
}
