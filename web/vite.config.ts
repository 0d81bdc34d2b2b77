import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'dist', 'web');

/** Copies TimelineJS's prebuilt script, stylesheet and icon font next to the page: served by Dateline, no CDN. */
function timelineJsAssets(): Plugin {
  return {
    name: 'dateline-timelinejs-assets',
    apply: 'build',
    closeBundle() {
      const dist = join(here, '..', 'node_modules', '@knight-lab', 'timelinejs', 'dist');
      const target = join(outDir, 'timelinejs');
      cpSync(join(dist, 'js', 'timeline.js'), join(target, 'js', 'timeline.js'));
      cpSync(join(dist, 'css', 'timeline.css'), join(target, 'css', 'timeline.css'));
      cpSync(join(dist, 'css', 'icons'), join(target, 'css', 'icons'), { recursive: true });
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  build: { outDir, emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
  plugins: [timelineJsAssets()],
});
