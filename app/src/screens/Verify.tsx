/**
 * The verifier's page (an officer signed in): scan the citizen's QR code with the camera, or type
 * the code; the hub redeems it (once, within 60 seconds), the page checks the SD-JWT's signature
 * against the hub's published keys, and shows exactly the shared fields.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ShareRedeemDocument, type ShareRedeemMutation } from '../../../generated/app/graphql';
import { request } from '../api/client';
import type { Session } from '../auth/session';
import { fmtDateTime } from '../format';
import { t, tx } from '../i18n';
import { checkSdJwt, type SdJwtCheck } from '../share/sdjwt';
import { startScanner } from '../share/scanner';
import { Value } from '../share/values';
import { Notice } from '../ui';

type Redemption = NonNullable<ShareRedeemMutation['shareRedeem']>;
type State =
  | { step: 'input' }
  | { step: 'checking' }
  | { step: 'refused'; message: string }
  | { step: 'done'; redemption: Redemption; check: SdJwtCheck };

export function Verify(props: { session: Session }) {
  const [state, setState] = useState<State>({ step: 'input' });
  const [code, setCode] = useState('');

  const redeem = async (text: string) => {
    const c = text.trim();
    if (!c) return;
    setState({ step: 'checking' });
    try {
      const r = await request(ShareRedeemDocument, { code: c });
      const redemption = r.data?.shareRedeem;
      if (!redemption) {
        const ext = r.errors[0]?.extensions;
        const key = ext?.reason === 'MALFORMED_CODE' || ext?.reason === 'NOT_SUBJECT' ? ext.reason : ext?.code;
        setState({ step: 'refused', message: tx(`verify.err.${String(key ?? '')}`, {}, t('error.generic')) });
        return;
      }
      setState({ step: 'done', redemption, check: await checkSdJwt(redemption.sdJwt) });
    } catch {
      setState({ step: 'refused', message: t('error.generic') });
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>{t('verify.title')}</h1>
      <p class="muted">{t('verify.signedInAs', { unit: props.session.unit ?? props.session.personalId })}</p>
      {state.step === 'done' ? (
        <Result redemption={state.redemption} check={state.check} />
      ) : (
        <>
          <p class="intro">{t('verify.intro')}</p>
          <Scanner onCode={(c) => void redeem(c)} />
          <form
            class="form card"
            onSubmit={(e) => {
              e.preventDefault();
              void redeem(code);
            }}
          >
            <label for="verify-code">{t('verify.codeLabel')}</label>
            <input
              id="verify-code"
              type="text"
              class="mono"
              autocomplete="off"
              autocapitalize="off"
              spellcheck={false}
              maxLength={64}
              value={code}
              onInput={(e) => setCode((e.target as HTMLInputElement).value)}
            />
            <button type="submit" class="button primary" disabled={state.step === 'checking'}>
              {state.step === 'checking' ? t('verify.checking') : t('verify.check')}
            </button>
          </form>
          {state.step === 'refused' && <Notice tone="bad" role="alert" title={state.message} />}
        </>
      )}
      {state.step === 'done' && (
        <button
          type="button"
          class="button secondary wide"
          onClick={() => {
            setCode('');
            setState({ step: 'input' });
          }}
        >
          {t('verify.another')}
        </button>
      )}
    </>
  );
}

function Scanner(props: { onCode: (code: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const stop = useRef<(() => void) | null>(null);
  const [on, setOn] = useState(false);
  const [failed, setFailed] = useState(false);
  useEffect(() => () => stop.current?.(), []);
  const start = async () => {
    setFailed(false);
    setOn(true);
    try {
      stop.current = await startScanner(video.current!, (c) => {
        setOn(false);
        props.onCode(c);
      });
    } catch {
      setOn(false);
      setFailed(true);
    }
  };
  return (
    <div class="scanner">
      <video ref={video} class={on ? 'scanner-video' : 'scanner-video hidden'} aria-label={t('verify.scanning')} />
      {on ? (
        <>
          <p role="status">{t('verify.scanning')}</p>
          <button
            type="button"
            class="button secondary"
            onClick={() => {
              stop.current?.();
              setOn(false);
            }}
          >
            {t('verify.stopScan')}
          </button>
        </>
      ) : (
        <button type="button" class="button primary wide" onClick={() => void start()}>
          {t('verify.scan')}
        </button>
      )}
      {failed && <Notice tone="warn" role="alert" title={t('verify.noCamera')} />}
    </div>
  );
}

function Result(props: { redemption: Redemption; check: SdJwtCheck }) {
  const { redemption: r, check } = props;
  return (
    <div data-verified={check.valid ? 'yes' : 'no'}>
      {check.valid ? (
        <Notice tone="ok" role="status" title={`✓ ${t('verify.signatureOkTitle')}`}>
          <p>{t('verify.signatureOk', { n: check.count })}</p>
          <p class="muted mono kid">{t('verify.keyId', { kid: check.kid ?? '' })}</p>
        </Notice>
      ) : (
        <Notice tone="bad" role="alert" title={t('verify.signatureBad')} />
      )}
      <p class="muted">{t('verify.sharedAt', { time: fmtDateTime(r.issuedAt) })}</p>
      <p>{t('verify.onlyThese')}</p>
      {r.papers.map((p) => (
        <section key={p.paper} class="card" aria-labelledby={`shared-${p.paper}`} data-shared-paper={p.paper}>
          <h2 id={`shared-${p.paper}`}>{tx(`scope.${p.paper}`)}</h2>
          <dl class="fields">
            {p.fields.map((f) => (
              <div class="field" key={f.field} data-shared-field={f.field}>
                <dt>{tx(`sf.${f.field}`)}</dt>
                {/* What the signed token discloses, not only what the hub's answer says. */}
                <dd>
                  <Value value={check.valid ? check.disclosed[p.claim]?.[f.claim] : f.value} />
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </div>
  );
}
