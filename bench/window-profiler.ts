import { writeFileSync, mkdtempSync } from 'node:fs';
import { Session } from 'node:inspector';
import os from 'node:os';
import path from 'node:path';

/** A V8 CPU profile of a chosen window of this process's life, written to a temp file. */
export class WindowProfiler {
  private readonly session = new Session();

  private post<T>(method: string, params?: object): Promise<T> {
    return new Promise((resolve, reject) => this.session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))));
  }

  async start(): Promise<void> {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: 200 });
    await this.post('Profiler.start');
  }

  /** Stops and returns the profile's file name. */
  async stop(): Promise<string> {
    const { profile } = await this.post<{ profile: unknown }>('Profiler.stop');
    this.session.disconnect();
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gatehouse-prof-')), 'window.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    return file;
  }
}
