// Compile a Tutor-rendered env.config.jsx as the MFE build would (esbuild, JSX, process.env.APP_ID),
// run its setConfig(), and render every widget of one slot to static HTML with React.
// Usage: node render_slots.mjs <env.config.jsx> <APP_ID> <slot id> <JSON props>
// Prints JSON: {"slots": [slot ids], "widgets": [{"id", "op", "html"}]}.
import { build } from 'esbuild';
import { writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

const [configPath, appId, slotId, propsJson] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));

// The frontend-plugin-framework constants the config imports (the real values of FPF's exports).
const fpf = {
  name: 'frontend-plugin-framework',
  setup(b) {
    b.onResolve({ filter: /^@openedx\/frontend-plugin-framework$/ }, () => ({ path: 'fpf', namespace: 'fpf' }));
    b.onLoad({ filter: /.*/, namespace: 'fpf' }, () => ({
      contents: `export const DIRECT_PLUGIN = 'direct_plugin'; export const IFRAME_PLUGIN = 'iframe_plugin';
        export const PLUGIN_OPERATIONS = { Insert: 'insert', Hide: 'hide', Modify: 'modify', Wrap: 'wrap' };`,
      loader: 'js',
    }));
  },
};

const out = await build({
  entryPoints: [configPath],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  loader: { '.jsx': 'jsx' },
  jsx: 'automatic',
  external: ['react', 'react/jsx-runtime', 'react-dom'],
  define: { 'process.env.APP_ID': JSON.stringify(appId) },
  plugins: [fpf],
  logLevel: 'silent',
});
const bundle = join(here, `.bundle-${process.pid}.mjs`);
writeFileSync(bundle, out.outputFiles[0].text);
let config;
const errors = [];
const original = console.error;
console.error = (...args) => errors.push(args.map(String).join(' '));
try {
  config = await (await import(pathToFileURL(bundle).href)).default();
} finally {
  console.error = original;
  rmSync(bundle, { force: true });
}
if (errors.length) {
  // env.config.jsx swallows its own errors with console.error: a failure there is a failure here.
  console.error(errors.join('\n'));
  process.exit(3);
}
const props = JSON.parse(propsJson);
const slot = config.pluginSlots[slotId];
const widgets = (slot ? slot.plugins : []).map((plugin) => ({
  id: plugin.widget ? plugin.widget.id : plugin.widgetId,
  op: plugin.op,
  html: plugin.widget && plugin.widget.RenderWidget
    ? renderToStaticMarkup(createElement(plugin.widget.RenderWidget, props))
    : null,
}));
process.stdout.write(JSON.stringify({ slots: Object.keys(config.pluginSlots), widgets }));
