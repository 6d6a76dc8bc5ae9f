/**
 * My papers: the citizen's identity and every paper the hub links, one card each. A withheld paper
 * says why in words (Level 1: what Level 2 is and where to get it), a source that did not answer
 * shows on its own card only, and each card names its source and when the source last updated it.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { MyPapersDocument, type MyPapersQuery } from '../../../generated/app/graphql';
import { request, type GqlResult } from '../api/client';
import { problemAt, unreadableUnder, withheldReasons } from '../api/problems';
import type { Session } from '../auth/session';
import { fmtDate, fmtDateTime } from '../format';
import { t, tx } from '../i18n';
import { Card, type SourceName } from '../papers/Card';
import { CorrectionControl } from '../rights/Correction';
import {
  DrivingLicenceBody,
  FamilyBody,
  HealthInsuranceBody,
  HealthRecordBody,
  IdentityCardBody,
  ResidenceBody,
  SocialInsuranceBody,
} from '../papers/cards';
import { Badge, ErrorView, Field, Loading, Notice } from '../ui';
import { useLatest } from '../latest';

type Citizen = NonNullable<MyPapersQuery['me']>;
type State =
  { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'done'; result: GqlResult<MyPapersQuery> };

export function Papers(props: { session: Session }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const latest = useLatest();
  const load = useCallback(() => {
    const current = latest.begin();
    setState({ status: 'loading' });
    request(MyPapersDocument, {}).then(
      (result) => current() && setState({ status: 'done', result }),
      (error: unknown) => current() && setState({ status: 'error', error }),
    );
  }, [props.session.accessToken]);
  useEffect(load, [load]);
  // For bench/app-load.ts: when the papers were first shown, on the page's clock.
  useEffect(() => {
    if (state.status === 'done' && performance.getEntriesByName('papers-shown').length === 0) {
      performance.mark('papers-shown');
    }
  }, [state.status]);

  return (
    <>
      <div class="screen-head">
        <h1 tabIndex={-1}>{t('papers.title')}</h1>
        {state.status !== 'loading' && (
          <button type="button" class="button secondary" onClick={load}>
            {t('papers.reload')}
          </button>
        )}
      </div>
      {state.status === 'loading' && <Loading />}
      {state.status === 'error' && <ErrorView error={state.error} retry={load} />}
      {state.status === 'done' && <PapersView result={state.result} />}
    </>
  );
}

function PapersView(props: { result: GqlResult<MyPapersQuery> }) {
  const { data, errors } = props.result;
  const citizen = data?.me;
  if (!citizen) {
    const p = problemAt(errors, ['me']);
    if (p?.kind === 'unavailable') return <Notice tone="warn" role="alert" title={t('papers.populationDown')} />;
    if (p) return <ErrorView error={new Error(p.kind)} />;
    return <Notice tone="info" title={t('papers.notFound')} />;
  }
  const reasons = withheldReasons(errors, ['me']);
  return (
    <>
      <IdentityHeader citizen={citizen} errors={props.result} />
      {reasons.has('ACCOUNT_INACTIVE') ? (
        <Notice tone="info" title={t('inactive.title')}>
          <p>{t('inactive.body')}</p>
        </Notice>
      ) : reasons.has('LEVEL_TOO_LOW') ? (
        <Notice tone="info" title={t('level1.title')}>
          <p>{t('level1.body')}</p>
          <p>{t('level1.how')}</p>
        </Notice>
      ) : null}
      <div class="cards">
        <PaperCard id="identity-card" scope="IDENTITY_CARD" source="POPULATION" citizen={citizen} result={props.result}>
          {(bad) => citizen.identityCard && <IdentityCardBody card={citizen.identityCard} bad={bad} />}
        </PaperCard>
        <PaperCard id="residence" scope="RESIDENCE" source="POPULATION" citizen={citizen} result={props.result}>
          {(bad) => citizen.residence && <ResidenceBody residence={citizen.residence} bad={bad} />}
        </PaperCard>
        <PaperCard id="family" scope="FAMILY" source="POPULATION" citizen={citizen} result={props.result}>
          {() => <FamilyBody household={citizen.household} family={citizen.family} />}
        </PaperCard>
        <PaperCard
          id="driving-licence"
          scope="DRIVING_LICENCE"
          source="DRIVING_LICENCE"
          citizen={citizen}
          result={props.result}
        >
          {(bad) => citizen.drivingLicence && <DrivingLicenceBody licence={citizen.drivingLicence} bad={bad} />}
        </PaperCard>
        <PaperCard
          id="health-insurance"
          scope="HEALTH_INSURANCE"
          source="HEALTH_INSURANCE"
          citizen={citizen}
          result={props.result}
        >
          {(bad) => citizen.healthInsurance && <HealthInsuranceBody card={citizen.healthInsurance} bad={bad} />}
        </PaperCard>
        <PaperCard
          id="social-insurance"
          scope="SOCIAL_INSURANCE"
          source="SOCIAL_INSURANCE"
          citizen={citizen}
          result={props.result}
        >
          {(bad) => citizen.socialInsurance && <SocialInsuranceBody si={citizen.socialInsurance} bad={bad} />}
        </PaperCard>
        <PaperCard
          id="health-record"
          scope="HEALTH_RECORD"
          source="HEALTH_RECORD"
          citizen={citizen}
          result={props.result}
        >
          {(bad) => citizen.healthRecord && <HealthRecordBody hr={citizen.healthRecord} bad={bad} />}
        </PaperCard>
      </div>
    </>
  );
}

/** The fields of `Citizen` each card reads, by the document scope that guards them. */
const FIELDS_OF: Record<string, Array<keyof Citizen>> = {
  IDENTITY_CARD: ['identityCard'],
  RESIDENCE: ['residence'],
  FAMILY: ['household', 'family'],
  DRIVING_LICENCE: ['drivingLicence'],
  HEALTH_INSURANCE: ['healthInsurance'],
  SOCIAL_INSURANCE: ['socialInsurance'],
  HEALTH_RECORD: ['healthRecord'],
};

type Paper = { provenance?: { source: SourceName; updatedAtSource?: string | null } | null } | null;

function PaperCard(props: {
  id: string;
  scope: string;
  source: SourceName;
  citizen: Citizen;
  result: GqlResult<MyPapersQuery>;
  children: (bad: (rel: string) => boolean) => ComponentChildren;
}) {
  const fields = FIELDS_OF[props.scope];
  const errors = props.result.errors;
  const problem = fields.map((f) => problemAt(errors, ['me', f])).find((p) => p !== null) ?? null;
  const papers = fields.map((f) => props.citizen[f] as Paper);
  const present = papers.find((p) => p !== null && p !== undefined);
  const bad = unreadableUnder(errors, ['me', fields[0]]);
  const title = tx(`scope.${props.scope}`);
  return (
    <Card
      id={props.id}
      title={title}
      source={props.source}
      provenance={present?.provenance ?? null}
      problem={problem}
      absent={!present}
      actions={<CorrectionControl card={props.id} title={title} />}
    >
      {props.children(bad)}
    </Card>
  );
}

function IdentityHeader(props: { citizen: Citizen; errors: GqlResult<MyPapersQuery> }) {
  const c = props.citizen;
  const bad = unreadableUnder(props.errors.errors, ['me']);
  return (
    <section class="card identity" aria-labelledby="identity-name" data-card="identity">
      <h2 id="identity-name">
        {c.fullName ?? '—'} {c.vitalStatus === 'DECEASED' && <Badge tone="info">{t('identity.deceased')}</Badge>}
      </h2>
      <dl class="fields">
        <Field label={t('identity.personalId')} unreadable={bad('personalId')}>
          <span class="mono">{c.personalId}</span>
        </Field>
        <Field label={t('identity.dateOfBirth')} unreadable={bad('dateOfBirth')}>
          {fmtDate(c.dateOfBirth)}
        </Field>
        <Field label={t('identity.sex')} unreadable={bad('sex')}>
          {c.sex ? tx(`identity.${c.sex}`) : '—'}
        </Field>
        <Field label={t('identity.nationality')} unreadable={bad('nationality')}>
          {c.nationality ?? '—'}
        </Field>
        <Field label={t('identity.ethnicity')} unreadable={bad('ethnicity')}>
          {c.ethnicity ?? '—'}
        </Field>
      </dl>
      <footer class="provenance">
        <span>{t('card.source', { source: tx(`source.${c.provenance?.source ?? 'POPULATION'}`) })}</span>
        {c.provenance?.updatedAtSource && (
          <span>{t('card.updated', { date: fmtDateTime(c.provenance.updatedAtSource) })}</span>
        )}
      </footer>
      <CorrectionControl card="identity" title={t('scope.IDENTITY')} />
    </section>
  );
}
