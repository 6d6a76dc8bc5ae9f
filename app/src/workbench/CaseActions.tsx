/**
 * What an officer can do to a case, by its status: confirm, resolve (a note is required), dismiss
 * (a reason is required), reopen, take or release (data-cleaning officers), assign (supervisors),
 * add a note. The hub's state machine decides; these forms only ask what it needs.
 */
import { useState } from 'preact/hooks';
import type { WbCaseDetailFragment } from '../../../generated/app/graphql';
import type { OfficerClaims } from '../auth/session';
import { wt } from './i18n';

export type ActionRequest =
  | { type: 'CONFIRM' | 'REOPEN'; note: string }
  | { type: 'RESOLVE' | 'DISMISS' | 'NOTE'; note: string }
  | { type: 'ASSIGN'; assignee: string | null; note: string };

export function CaseActions(props: {
  officer: OfficerClaims;
  view: WbCaseDetailFragment;
  onAct: (r: ActionRequest) => void;
}) {
  const v = props.view;
  const o = props.officer;
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const open = v.status === 'OPEN' || v.status === 'CONFIRMED';
  const supervisor = o.role === 'SUPERVISOR';

  /** An action that needs the note: refused here in words before asking the hub. */
  const withNote = (type: 'RESOLVE' | 'DISMISS' | 'NOTE', words: string) => () => {
    if (!note.trim()) {
      setMissing(words);
      document.getElementById('case-note')?.focus();
      return;
    }
    setMissing(null);
    props.onAct({ type, note });
    setNote('');
  };
  const plain = (type: 'CONFIRM' | 'REOPEN') => () => {
    setMissing(null);
    props.onAct({ type, note });
    setNote('');
  };

  return (
    <section class="card wb-actions" aria-labelledby="actions-head">
      <h2 id="actions-head">{wt('case.actions')}</h2>
      <label for="case-note">
        {v.status === 'CONFIRMED' ? wt('case.noteResolve') : v.status === 'OPEN' ? wt('case.note') : wt('case.note')}
      </label>
      <textarea
        id="case-note"
        class="wb-note"
        rows={3}
        maxLength={2000}
        value={note}
        aria-invalid={missing ? 'true' : undefined}
        aria-describedby={missing ? 'case-note-error' : undefined}
        onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
      />
      {missing && (
        <p id="case-note-error" class="field-error" role="alert">
          {missing}
        </p>
      )}
      <div class="filter-actions">
        {v.status === 'OPEN' && (
          <button type="button" class="button primary" onClick={plain('CONFIRM')}>
            {wt('case.confirm')}
          </button>
        )}
        {v.status === 'CONFIRMED' && (
          <button type="button" class="button primary" onClick={withNote('RESOLVE', wt('case.noteRequired'))}>
            {wt('case.resolve')}
          </button>
        )}
        {open && (
          <button type="button" class="button secondary" onClick={withNote('DISMISS', wt('case.reasonRequired'))}>
            {wt('case.dismiss')}
          </button>
        )}
        {!open && (
          <button type="button" class="button primary" onClick={plain('REOPEN')}>
            {wt('case.reopen')}
          </button>
        )}
        <button type="button" class="button secondary" onClick={withNote('NOTE', wt('case.noteRequired'))}>
          {wt('case.addNote')}
        </button>
        {v.assignee !== o.id && (
          <button
            type="button"
            class="button secondary"
            onClick={() => props.onAct({ type: 'ASSIGN', assignee: o.id, note })}
          >
            {wt('case.take')}
          </button>
        )}
        {v.assignee === o.id && (
          <button
            type="button"
            class="button secondary"
            onClick={() => props.onAct({ type: 'ASSIGN', assignee: null, note })}
          >
            {wt('case.release')}
          </button>
        )}
      </div>
      {supervisor && (
        <form
          class="wb-assign"
          onSubmit={(e) => {
            e.preventDefault();
            props.onAct({ type: 'ASSIGN', assignee: assignee.trim() || null, note });
          }}
        >
          <label for="case-assignee-to">{wt('case.assignTo')}</label>
          <input
            id="case-assignee-to"
            type="text"
            value={assignee}
            autocomplete="off"
            onInput={(e) => setAssignee((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="button secondary">
            {wt('case.assign')}
          </button>
        </form>
      )}
    </section>
  );
}
