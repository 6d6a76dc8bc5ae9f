/**
 * The signed-in citizen's session: tokens in memory, mirrored in sessionStorage so that a reload
 * of the tab keeps it (a new tab, or closing the browser, signs out). Access tokens are refreshed
 * before they expire when the hub issued a refresh token (rotation: each refresh replaces it).
 */
import { useEffect, useState } from 'preact/hooks';

export interface Session {
  accessToken: string;
  /** Rotated on every refresh (OAuth sign-in only). */
  refreshToken?: string;
  /** When the access token expires, ms since the epoch. */
  expiresAt: number;
  /** A citizen (their papers) or an officer (the verifier page). */
  kind: 'citizen' | 'officer';
  /** The citizen's personal ID (from `me`, or the token's subject); an officer's id. */
  personalId: string;
  /** An officer's unit, as the token names it. */
  unit?: string;
  /** How the session was opened: the hub's OAuth doors, or a pasted development token. */
  via: 'oauth' | 'token';
  /** An officer's role and area from the token (the workbench's sections follow them). */
  officer?: OfficerClaims;
}

/** What an officer token says of its holder (the hub checks it; the app only shows the right screens). */
export interface OfficerClaims {
  id: string;
  role: 'DATA_CLEANING' | 'WORKING_GROUP' | 'ACCOUNT_APPROVER' | 'SUPERVISOR';
  area: { province: string; commune?: string };
  unit?: string;
}

const ROLES = ['DATA_CLEANING', 'WORKING_GROUP', 'ACCOUNT_APPROVER', 'SUPERVISOR'];

/** The officer an officer token names (role and area), or null when it is not one. */
export function officerOf(claims: Claims | null): OfficerClaims | null {
  if (!claims || claims.kind !== 'officer' || !claims.sub || !ROLES.includes(claims.role ?? '')) return null;
  if (!claims.area || typeof claims.area.province !== 'string') return null;
  return {
    id: claims.sub,
    role: claims.role as OfficerClaims['role'],
    area: { province: claims.area.province, ...(claims.area.commune ? { commune: claims.area.commune } : {}) },
    ...(claims.unit ? { unit: claims.unit } : {}),
  };
}

const STORAGE_KEY = 'app.session';
const listeners = new Set<(s: Session | null) => void>();

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return typeof s.accessToken === 'string' && typeof s.personalId === 'string' && typeof s.kind === 'string'
      ? s
      : null;
  } catch {
    return null;
  }
}

let current: Session | null = load();

export function getSession(): Session | null {
  return current;
}

export function setSession(s: Session | null): void {
  current = s;
  try {
    if (s) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(s));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    /* storage unavailable: the session lives in memory only */
  }
  listeners.forEach((f) => f(s));
}

/** The session; the component re-renders when it changes. */
export function useSession(): Session | null {
  const [s, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => void listeners.delete(set);
  }, []);
  return s;
}

/** The claims of a JWT, read without checking it (the hub checks it; the app only reads `sub`, `exp`). */
export interface Claims {
  sub?: string;
  exp?: number;
  kind?: string;
  unit?: string;
  /** Officers: their role and area. */
  role?: string;
  area?: { province?: string; commune?: string };
}

export function readClaims(token: string): Claims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Claims;
  } catch {
    return null;
  }
}
