/**
 * Loads that race: a screen asks again (a new filter, a reload after a change) while an earlier
 * request is still out. Only the latest may set what the screen shows; an older answer that
 * arrives after it is dropped, so a list never shows the rows of a filter no longer applied.
 */
import { useRef } from 'preact/hooks';

/** `begin()` at the start of a load; the function it returns says whether that load is still the latest. */
export function useLatest() {
  const n = useRef(0);
  return {
    begin(): () => boolean {
      const mine = ++n.current;
      return () => mine === n.current;
    },
  };
}
