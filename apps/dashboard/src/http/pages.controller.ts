import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ASSETS } from '../dashboard.tokens';
import { CONTENT_SECURITY_POLICY, type Assets } from './assets';
import { ProblemException } from './problem';

/** The page (/), the job list (/jobs), the sign-in form (/login) and their scripts and styles. */
@Controller()
export class PagesController {
  constructor(@Inject(ASSETS) private readonly assets: Assets) {}

  @Get()
  index(@Res() reply: FastifyReply): void {
    this.send(reply, 'index.html');
  }

  @Get('jobs')
  jobs(@Res() reply: FastifyReply): void {
    this.send(reply, 'jobs.html');
  }

  @Get('login')
  login(@Res() reply: FastifyReply): void {
    this.send(reply, 'login.html');
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    if (file.endsWith('.html')) throw notFound();
    this.send(reply, file);
  }

  private send(reply: FastifyReply, name: string): void {
    const asset = this.assets.get(name);
    if (!asset) throw notFound();
    void reply
      .header('content-type', asset.type)
      .header('cache-control', 'no-store')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      .send(asset.body);
  }
}

const notFound = () => new ProblemException({ type: 'urn:lf:problem:not-found', title: 'Not Found', status: 404, detail: 'no such page or asset' });
