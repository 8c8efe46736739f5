// Lint encodes the architecture (DESIGN.md "Dependency direction"): domain ← analytics ← app ← {server, cli};
// adapters implement domain ports; heavy libraries are imported only inside their adapter folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (name) => ({
  group: [`**/${name}/**`, `**/${name}`],
  message: `this layer must not import ${name}/ (DESIGN.md dependency direction)`,
});
const nodeBuiltins = { group: ['node:*'], message: 'the core is pure: no node:* imports (STYLE.md §1)' };
const heavy = (allowedIn) => ({
  group: [
    '@duckdb/*',
    'fastify',
    '@fastify/*',
    'fastify-*',
    'mqtt',
    'aedes',
    'aedes-*',
    'playwright-core',
    '@energetic-ai/*',
    '@tensorflow/*',
    '@resvg/*',
    'htmlparser2',
    'pdfjs-dist',
    'pdfjs-dist/*',
  ],
  message: `heavy libraries are imported only in their adapter folder or the server (${allowedIn})`,
});
const pureGlobals = [
  { name: 'process', message: 'the core is pure: take configuration as data (STYLE.md §1)' },
  { name: 'Buffer', message: 'the core is pure: use Uint8Array' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'web/dist/**', 'bench/.work/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Error']",
          message: 'throw UserError / OperationalError / UnexpectedError with a code (STYLE.md §12)',
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            nodeBuiltins,
            layer('analytics'),
            layer('app'),
            layer('adapters'),
            layer('server'),
            layer('cli'),
            heavy('not domain'),
          ],
        },
      ],
      'no-restricted-globals': ['error', ...pureGlobals],
    },
  },
  {
    files: ['src/analytics/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            nodeBuiltins,
            layer('app'),
            layer('adapters'),
            layer('server'),
            layer('cli'),
            heavy('not analytics'),
          ],
        },
      ],
      'no-restricted-globals': ['error', ...pureGlobals],
    },
  },
  {
    files: ['src/app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [nodeBuiltins, layer('adapters'), layer('server'), layer('cli'), heavy('not app')] },
      ],
      'no-restricted-globals': ['error', ...pureGlobals],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [layer('app'), layer('server'), layer('cli')] }],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    // Tests read untyped JSON responses; asserting a type on each would only add noise.
    rules: {
      'no-restricted-syntax': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
