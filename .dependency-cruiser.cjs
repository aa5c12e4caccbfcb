// The import rules of DESIGN §8, checked by `npm test` (npm run lint:deps). Paths are from the
// repository root. Parsed with swc: TypeScript 7 has no JavaScript API for dependency-cruiser's
// tsc parser, and swc sees type-only imports too, so a type crossing a line counts like any other.
const OUTSIDE_CORE = '^(agents|machines|config|hooks|memory|server|cli|console|schemas|bench|scripts|test)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'hooks-only-hook-time',
      comment: 'hooks/ runs at hook time: it imports nothing of machines/, agents/, memory/, server/ (nor config/ or cli/).',
      severity: 'error',
      from: { path: '^hooks/' },
      to: { path: '^(machines|agents|memory|server|config|cli)/' },
    },
    {
      name: 'machines-below-server-and-cli',
      comment: 'machines/ is the core: it imports nothing of server/ or cli/ (server/ re-exports the core contract).',
      severity: 'error',
      from: { path: '^machines/' },
      to: { path: '^(server|cli)/' },
    },
    {
      name: 'memory-below-machines',
      comment: 'memory/ imports nothing of machines/ (nor server/ or cli/).',
      severity: 'error',
      from: { path: '^memory/' },
      to: { path: '^(machines|server|cli)/' },
    },
    {
      name: 'config-below-the-engine',
      comment: 'config/ (loading, defaults, validation) builds on schemas/ and core/ only.',
      severity: 'error',
      from: { path: '^config/' },
      to: { path: '^(agents|machines|hooks|memory|server|cli)/' },
    },
    {
      name: 'schemas-import-nothing',
      comment: 'schemas/ imports nothing of the other parts (core/ errors aside, used by every part).',
      severity: 'error',
      from: { path: '^schemas/' },
      to: { path: '^(agents|machines|config|hooks|memory|server|cli)/' },
    },
    {
      name: 'core-imports-nothing',
      comment: 'core/ (errors, clock, logger, paths, atomic replace) is used by every part and imports none.',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: OUTSIDE_CORE },
    },
    {
      name: 'fakes-stay-in-test',
      comment: 'Fakes live only under test/: no shipped part imports from test/.',
      severity: 'error',
      from: { path: '^(agents|machines|config|hooks|memory|server|cli|core|schemas)/|^index\\.ts$' },
      to: { path: '^test/' },
    },
  ],
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    // console/ is the browser bundle (Vite, its own tsconfig): dependency-cruiser's swc parser reads
    // no TSX, and DESIGN §8 sets no rule for it.
    exclude: { path: '^(dist|node_modules|bench/peers|coverage|console|[.][^/]+)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
