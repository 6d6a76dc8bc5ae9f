/**
 * One-off: how reference/provinces.json and reference/old-provinces.json were made. The
 * administrative areas used to be built at module load from these specs and a fixed
 * internal seed (communes and pre-2025 units partly generated); the result is now data. The
 * specs (provinces, their real communes, the syllables of generated names) are in
 * scripts/areas-specs.json.
 * `npx tsx scripts/areas-build.ts` writes the files again (identical output);
 * test/reference/areas.test.ts checks the committed files against this build.
 *
 * - Today's 34 provinces / centrally-run cities (since 1 July 2025) with their real
 *   2-digit codes and names, each with 10–40 communes/wards. A handful of ward and
 *   commune names per province are real post-2025 names; the rest are plausible
 *   generated names. **Commune codes are mock** (not the official codes): 5 digits,
 *   `<province code><0><2 digits>`, so a commune code starts with its province code.
 * - The 63 pre-2025 provinces with their real 2-digit area codes and the 3-digit
 *   codes used in personal ID numbers (birth registration); population weights are
 *   approximate (2023, millions).
 * - Pre-2025 districts and communes ("legacy" units, as older records carry them),
 *   each mapped to the today's commune it was merged into. District and legacy
 *   commune codes are mock: district `<old province code><1-9>`, legacy commune
 *   `<district code><2 digits>` (third digit 1–9, so they never collide with today's
 *   commune codes).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, weighted } from '../mockdata/generator/prng';
import specsJson from './areas-specs.json';
import {
  toData,
  type Commune,
  type CommuneKind,
  type OldProvince,
  type Province,
  type Region,
} from '../reference/areas';

type OldSpec = [idCode: string, name: string, population: number, capital: string, extraDistricts?: string[]];

interface ProvinceSpec {
  code: string;
  name: string;
  city?: boolean;
  region: Region;
  old: OldSpec[];
  /** Real communes, "Name#oldIdCode" (oldIdCode optional: the first old province). */
  real: string[];
  eth?: Array<[string, number]>;
}

/** The provinces' specs and the syllables of generated place names: data (areas-specs.json). */
const DATA = specsJson as unknown as { provinces: ProvinceSpec[]; syllables: string[] };
const SPECS = DATA.provinces;
const SYLLABLES = DATA.syllables;

function isCity(spec: ProvinceSpec): boolean {
  return spec.city === true;
}

function genPlaceName(r: Rng, used: Set<string>): string {
  for (let i = 0; i < 200; i++) {
    const a = r.pick(SYLLABLES);
    const b = r.pick(SYLLABLES);
    if (a === b) continue;
    const n = `${a} ${b}`;
    if (!used.has(n)) {
      used.add(n);
      return n;
    }
  }
  throw new Error('areas: ran out of place names');
}

export function build(): { provinces: Province[]; oldProvinces: OldProvince[] } {
  const r = new Rng('vn-areas', 2025);
  const provinces: Province[] = [];
  const oldProvinces: OldProvince[] = [];
  for (const spec of SPECS) {
    const city = isCity(spec);
    const olds: OldProvince[] = spec.old.map(([idCode, name, pop, capital, extra]) => {
      const code2 = idCode.slice(1);
      const cityOld = ['001', '031', '048', '079', '092'].includes(idCode);
      const usedDistrictNames = new Set<string>([capital, ...(extra ?? [])]);
      const names = [capital, ...(extra ?? [])];
      const target = Math.min(9, Math.max(names.length, 3 + Math.round(pop * 1.5)));
      while (names.length < target) {
        const n = genPlaceName(r, usedDistrictNames);
        names.push(cityOld ? `Quận ${n}` : r.chance(0.15) ? `Thị xã ${n}` : `Huyện ${n}`);
      }
      const districts = names.slice(0, 9).map((n, i) => ({ code: `${code2}${i + 1}`, name: n }));
      return {
        code: code2,
        idCode,
        name,
        fullName: `${cityOld ? 'Thành phố' : 'Tỉnh'} ${name}`,
        newCode: spec.code,
        population: pop,
        districts,
      };
    });
    oldProvinces.push(...olds);
    const population = olds.reduce((s, o) => s + o.population, 0);
    const nCommunes = Math.max(spec.real.length, Math.min(40, Math.max(10, Math.round(8 + population * 2.2))));
    const usedNames = new Set<string>();
    const communes: Commune[] = [];
    const oldWeights = weighted(olds.map((o) => [o, o.population] as const));
    const legacyCounter = new Map<string, number>();
    const addCommune = (name: string, kind: CommuneKind, real: boolean, oldHint: OldProvince | undefined) => {
      const idx = communes.length + 1;
      const code = `${spec.code}0${String(idx).padStart(2, '0')}`;
      const weight = kind === 'Đặc khu' ? 0.15 : real ? (kind === 'Phường' ? 3 : 2) : kind === 'Phường' ? 1.5 : 1;
      const c: Commune = { code, name, kind, provinceCode: spec.code, real, weight, legacy: [] };
      const nLegacy = kind === 'Đặc khu' ? 1 : r.int(1, 3);
      const home = oldHint ?? r.pickW(oldWeights);
      for (let k = 0; k < nLegacy; k++) {
        const op = home;
        const dIdx = k === 0 && real && kind === 'Phường' ? 0 : r.int(0, op.districts.length - 1);
        const district = op.districts[dIdx];
        const n = (legacyCounter.get(district.code) ?? 0) + 1;
        legacyCounter.set(district.code, n);
        if (n > 99) throw new Error(`areas: too many legacy communes in district ${district.code}`);
        const southNumbered =
          spec.region === 'S' && kind === 'Phường' && district.name.startsWith('Quận') && r.chance(0.6);
        let lname: string;
        if (kind === 'Đặc khu') lname = `Thị trấn ${name.replace(/^Đặc khu /, '')}`;
        else if (southNumbered) lname = `Phường ${n}`;
        else if (kind === 'Phường') lname = `Phường ${genPlaceName(r, usedNames)}`;
        else lname = `${r.chance(0.12) ? 'Thị trấn' : 'Xã'} ${genPlaceName(r, usedNames)}`;
        c.legacy.push({
          code: `${district.code}${String(n).padStart(2, '0')}`,
          name: lname,
          district,
          oldProvince: op,
          communeCode: code,
        });
      }
      communes.push(c);
    };
    for (const entry of spec.real) {
      const [name, hint] = entry.split('#');
      usedNames.add(name.replace(/^(Phường|Xã|Đặc khu) /, ''));
      const kind: CommuneKind = name.startsWith('Phường') ? 'Phường' : name.startsWith('Đặc khu') ? 'Đặc khu' : 'Xã';
      const op = hint ? olds.find((o) => o.idCode === hint) : olds[0];
      if (!op) throw new Error(`areas: unknown old province ${hint} for ${name}`);
      addCommune(name, kind, true, op);
    }
    while (communes.length < nCommunes) {
      const urbanShare = city ? 0.55 : 0.18;
      const kind: CommuneKind = r.chance(urbanShare) ? 'Phường' : 'Xã';
      addCommune(`${kind} ${genPlaceName(r, usedNames)}`, kind, false, undefined);
    }
    provinces.push({
      code: spec.code,
      name: spec.name,
      fullName: `${city ? 'Thành phố' : 'Tỉnh'} ${spec.name}`,
      kind: city ? 'Thành phố' : 'Tỉnh',
      region: spec.region,
      population,
      oldProvinces: olds,
      communes,
      ethnicities: spec.eth ?? [
        ['Kinh', 98],
        ['Hoa', 1],
        ['Tày', 0.5],
        ['Mường', 0.5],
      ],
    });
  }
  return { provinces, oldProvinces };
}

if (require.main === module) {
  const data = toData(build());
  const dir = join(__dirname, '..', 'reference');
  writeFileSync(join(dir, 'provinces.json'), JSON.stringify(data.provinces, null, 1) + '\n');
  writeFileSync(join(dir, 'old-provinces.json'), JSON.stringify(data.oldProvinces, null, 1) + '\n');
  console.log(`reference: ${data.provinces.length} provinces, ${data.oldProvinces.length} old provinces written`);
}
