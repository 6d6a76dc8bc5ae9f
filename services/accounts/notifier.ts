/**
 * How the hub tells a citizen something (approval notice with the activation code, the
 * verification code for a new phone number). Production plugs in the SMS / e-mail / app push
 * gateway; development logs the message (the phone number masked, never the name).
 */
import type { Logger } from 'pino';

export type NotifyChannel = 'APP' | 'SMS' | 'EMAIL';

export interface Notice {
  personalId: string;
  channel: NotifyChannel;
  /** Phone number (+84…) or e-mail address the notice goes to. */
  to: string;
  template: 'ACCOUNT_APPROVED' | 'PHONE_VERIFICATION' | 'ACCOUNT_LOCKED' | 'ACCOUNT_REJECTED';
  /** Template parameters; `code` is a one-time code. */
  params: Record<string, string>;
}

export interface Notifier {
  /** Resolves once the gateway accepted the notice; rejects when it did not. */
  send(notice: Notice): Promise<void>;
}

/** "+84912345678" → "+8491****678"; an e-mail → "n***@gmail.com". */
export function maskAddress(to: string): string {
  if (to.includes('@')) {
    const [user, domain] = to.split('@');
    return `${user.slice(0, 1)}***@${domain}`;
  }
  return to.length > 7 ? `${to.slice(0, 5)}****${to.slice(-3)}` : '****';
}

/**
 * The development notifier: writes the notice to the log, so that a developer can read the
 * activation code. Refused in production by the configuration.
 */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Pick<Logger, 'info'>) {}
  send(n: Notice): Promise<void> {
    this.logger.info(
      { personalId: n.personalId, channel: n.channel, to: maskAddress(n.to), template: n.template, params: n.params },
      `notifier (development): ${n.template} to ${maskAddress(n.to)}`,
    );
    return Promise.resolve();
  }
}

/** Keeps what it sent (tests, and `npm run bench`); optionally fails on demand. */
export class RecordingNotifier implements Notifier {
  readonly sent: Notice[] = [];
  failNext = 0;
  send(n: Notice): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('notifier gateway refused the notice'));
    }
    this.sent.push(n);
    return Promise.resolve();
  }
  /** The last code sent to a citizen with a template. */
  lastCode(personalId: string, template: Notice['template'] = 'ACCOUNT_APPROVED'): string | undefined {
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const n = this.sent[i];
      if (n.personalId === personalId && n.template === template) return n.params.code;
    }
    return undefined;
  }
}

/**
 * Posts each notice as JSON to the gateway at `url` (the ministry's SMS / e-mail / push
 * service); any status other than 2xx is a refusal. 5-second timeout.
 */
export class HttpNotifier implements Notifier {
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 5_000,
  ) {}
  async send(n: Notice): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(n),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`notifier gateway answered ${res.status}`);
  }
}
