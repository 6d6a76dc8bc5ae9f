/**
 * One paper's card: its title, its content or why there is none (withheld in words, its source
 * temporarily unavailable, not held), and where it comes from and when its source last updated it.
 */
import type { ComponentChildren } from 'preact';
import type { Problem } from '../api/problems';
import { t, tx, type MessageKey } from '../i18n';
import { fmtDateTime } from '../format';
import { Badge } from '../ui';

export type SourceName = 'POPULATION' | 'DRIVING_LICENCE' | 'HEALTH_INSURANCE' | 'SOCIAL_INSURANCE' | 'HEALTH_RECORD';

export interface Provenance {
  source: SourceName;
  updatedAtSource?: string | null;
}

const WITHHELD_WORDS: Record<string, MessageKey> = {
  LEVEL_TOO_LOW: 'card.withheldLevel',
  ACCOUNT_INACTIVE: 'card.withheldInactive',
};

export function Card(props: {
  id: string;
  title: string;
  /** The source that keeps this paper (named even when it could not be read). */
  source: SourceName;
  provenance?: Provenance | null;
  problem: Problem | null;
  /** True when the paper was served as absent (the citizen has none). */
  absent: boolean;
  children?: ComponentChildren;
  /** Shown under a paper that is there (the "This is wrong" control). */
  actions?: ComponentChildren;
}) {
  const { problem } = props;
  let body: ComponentChildren;
  if (problem?.kind === 'withheld') {
    body = (
      <p class="card-state">
        <Badge tone="info">{t(WITHHELD_WORDS[problem.reason] ?? 'card.withheldOther')}</Badge>
      </p>
    );
  } else if (problem) {
    body = (
      <p class="card-state">
        <Badge tone="warn">{t('card.unavailable')}</Badge>
      </p>
    );
  } else if (props.absent) {
    body = <p class="card-state muted">{t('card.none')}</p>;
  } else {
    body = props.children;
  }
  const headingId = `card-${props.id}`;
  return (
    <section class="card" aria-labelledby={headingId} data-card={props.id}>
      <h2 id={headingId}>{props.title}</h2>
      {body}
      <footer class="provenance">
        <span>{t('card.source', { source: tx(`source.${props.provenance?.source ?? props.source}`) })}</span>
        {props.provenance && (
          <span>
            {props.provenance.updatedAtSource
              ? t('card.updated', { date: fmtDateTime(props.provenance.updatedAtSource) })
              : t('card.updatedUnknown')}
          </span>
        )}
      </footer>
      {!problem && !props.absent && props.actions}
    </section>
  );
}
