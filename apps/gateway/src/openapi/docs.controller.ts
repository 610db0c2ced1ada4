import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OPENAPI_DOCUMENT } from '../gateway.tokens';

/** swagger-ui-dist files the page loads, served from the installed package: no CDN, works offline. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Late-fusion API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

// A separate file rather than an inline script, so the page works under a strict Content-Security-Policy.
const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout',
  persistAuthorization: false, tryItOutEnabled: true });
`;

/** The OpenAPI document at /openapi.json and an interactive page at /docs (no authentication: it holds no data). */
@Controller()
export class DocsController {
  private readonly assetDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  private readonly cache = new Map<string, Buffer>();

  constructor(@Inject(OPENAPI_DOCUMENT) private readonly document: unknown) {}

  @Get('openapi.json')
  @Header('cache-control', 'no-cache')
  openapi(): unknown {
    return this.document;
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('docs/init.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  init(): string {
    return INIT;
  }

  @Get('docs/:asset')
  asset(@Param('asset') asset: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    const type = Object.prototype.hasOwnProperty.call(ASSETS, asset) ? ASSETS[asset] : undefined;
    if (!type) throw new NotFoundException();
    let bytes = this.cache.get(asset);
    if (!bytes) {
      bytes = readFileSync(join(this.assetDir, asset));
      this.cache.set(asset, bytes);
    }
    void reply.header('content-type', type).header('cache-control', 'public, max-age=3600');
    return bytes;
  }
}
