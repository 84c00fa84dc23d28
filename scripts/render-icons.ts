/**
 * Renders build/icon.svg to the PNG sizes the packagers want (build/icons/NxN.png for Linux,
 * build/icon.png at 1024 for macOS/Windows, from which electron-builder makes .icns/.ico), with
 * Debian's Chromium. Run after changing the SVG: `node scripts/render-icons.ts`.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const build = join(import.meta.dirname, '../build');
const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

const svg = await readFile(join(build, 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
try {
  const page = await browser.newPage();
  await mkdir(join(build, 'icons'), { recursive: true });
  for (const size of sizes) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
    );
    const png = { path: join(build, 'icons', `${size}x${size}.png`), omitBackground: true };
    await page.screenshot(png);
    if (size === 1024) await page.screenshot({ ...png, path: join(build, 'icon.png') });
  }
} finally {
  await browser.close();
}
