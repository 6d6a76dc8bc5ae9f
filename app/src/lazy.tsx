/**
 * A screen loaded on first use (its own chunk), so that the first load carries only what the
 * papers screen needs.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Loading } from './ui';

export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function LazyScreen(props: P) {
    const [C, setC] = useState<ComponentType<P> | undefined>(() => loaded);
    useEffect(() => {
      if (!C) {
        void load().then((c) => {
          loaded = c;
          setC(() => c);
        });
      }
    }, [C]);
    return C ? <C {...props} /> : <Loading />;
  };
}
